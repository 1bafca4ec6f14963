package dev.sbx.reconciler.daemon;

import dev.sbx.egress.api.InvalidRuleException;
import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.Rule;
import dev.sbx.reconciler.actuator.EgressRules;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.state.SandboxRecord;
import dev.sbx.reconciler.state.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The imperative policy verbs ({@code sbx policy ls|allow|deny|rm|set-default}) on the rules the
 * proxy enforces (the {@link EgressRules} port: the real proxy, or the in-memory world). A change
 * takes effect at once for new requests (the proxy swaps rule sets atomically; no restart) and is
 * written to the {@link ImperativeLedger}. On a sandbox a source manages it is drift: the next
 * plan shows it and, with {@code drift: correct}, the next apply reverts it.
 */
final class PolicyService {
  /** Who decides a sandbox's rules. */
  enum Manager { SOURCE, CLI, UNKNOWN }

  /** One rule as {@code sbx policy ls} shows it. */
  record RuleView(String decision, String rule, String origin, String status, String changedBy, Instant changedAt) {
    RuleView {
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(status, "status");
    }
  }

  /** A sandbox's effective policy: default mode and rules with their origins. */
  record SandboxPolicy(String sandbox, Manager manager, String source, String drift, String defaultMode,
      String defaultOrigin, String defaultStatus, List<RuleView> rules) {
    SandboxPolicy {
      rules = List.copyOf(rules);
    }
  }

  /** What one allow/deny/rm/set-default did. */
  record ChangeResult(String sandbox, String action, List<String> changed, List<String> unchanged, Manager manager,
      String source, String drift) {
    ChangeResult {
      changed = List.copyOf(changed);
      unchanged = List.copyOf(unchanged);
    }
  }

  private final EgressRules egress;
  private final StateStore records;
  private final ImperativeLedger ledger;
  private final Clock clock;

  PolicyService(EgressRules egress, StateStore records, ImperativeLedger ledger, Clock clock) {
    this.egress = egress;
    this.records = records;
    this.ledger = ledger;
    this.clock = clock;
  }

  ImperativeLedger ledger() {
    return ledger;
  }

  // ---------------------------------------------------------------------------------------- ls

  List<SandboxPolicy> list(Optional<String> only) {
    Map<String, EgressSpec> enforced = egress.enforced();
    Set<String> names = new TreeSet<>(enforced.keySet());
    records.load().records().forEach((name, r) -> {
      if (r.applied().isPresent()) {
        names.add(name);
      }
    });
    if (only.isPresent()) {
      if (!names.contains(only.get())) {
        throw RouteError.notFound("sandbox " + only.get() + " has no egress rules (no such sandbox?); see sbx ls");
      }
      names.retainAll(Set.of(only.get()));
    }
    List<SandboxPolicy> out = new ArrayList<>();
    for (String name : names) {
      out.add(view(name, Optional.ofNullable(enforced.get(name))));
    }
    return out;
  }

  private SandboxPolicy view(String name, Optional<EgressSpec> enforced) {
    Optional<SandboxRecord> record = records.get(name).filter(r -> r.applied().isPresent());
    Optional<ImperativeLedger.CliSandbox> cli = ledger.cli(name);
    EgressSpec have = enforced.orElse(null);
    EgressSpec base; // what the source (or the kit at creation) says
    Map<String, String> origins;
    Manager manager;
    if (record.isPresent()) {
      DesiredSandbox applied = record.get().applied().get();
      base = applied.live().egress();
      origins = RuleOrigins.of(record.get());
      manager = Manager.SOURCE;
    } else if (cli.isPresent()) {
      base = cli.get().created();
      origins = Map.of("default", "default for sbx create", "kitRule", "kit " + cli.get().agent());
      manager = Manager.CLI;
    } else {
      base = have;
      origins = Map.of();
      manager = Manager.UNKNOWN;
    }
    List<RuleView> rules = new ArrayList<>();
    for (String decision : List.of("allow", "deny")) {
      Set<String> enforcedRules = new LinkedHashSet<>(have == null ? List.of() : rules(have, decision));
      Set<String> baseRules = new LinkedHashSet<>(base == null ? List.of() : rules(base, decision));
      Set<String> all = new TreeSet<>(enforcedRules);
      all.addAll(baseRules);
      for (String rule : all) {
        boolean isEnforced = enforcedRules.contains(rule);
        boolean inBase = baseRules.contains(rule);
        Optional<ImperativeLedger.Entry> added = ledger.last(name, decision, rule);
        Optional<ImperativeLedger.Entry> removed = ledger.last(name, "rm-" + decision, rule);
        String origin;
        String status;
        ImperativeLedger.Entry by = null;
        if (inBase && isEnforced) {
          origin = manager == Manager.CLI ? origins.get("kitRule")
              : origins.getOrDefault(decision + ":" + rule, manager == Manager.UNKNOWN ? "unknown" : "source");
          status = "active";
        } else if (isEnforced) {
          origin = "imperative";
          by = added.orElse(null);
          status = manager == Manager.SOURCE ? "drift" : "active";
        } else {
          origin = origins.getOrDefault(decision + ":" + rule, manager == Manager.CLI ? origins.get("kitRule") : "source");
          by = removed.orElse(null);
          status = manager == Manager.SOURCE ? "removed (drift)" : "removed";
          if (manager == Manager.CLI) {
            continue; // an imperative sandbox's rules are what it has now
          }
        }
        rules.add(new RuleView(decision, rule, origin, status, by == null ? null : by.command(), by == null ? null : by.at()));
      }
    }
    String mode = have == null ? "(none)" : have.defaultMode();
    String defaultOrigin;
    String defaultStatus = "active";
    if (have == null) {
      defaultOrigin = "nothing enforced: every request is refused";
      defaultStatus = "missing";
    } else if (base != null && base.defaultMode().equals(have.defaultMode())) {
      defaultOrigin = origins.getOrDefault("default", "unknown");
    } else {
      defaultOrigin = "imperative";
      defaultStatus = manager == Manager.SOURCE ? "drift" : "active";
    }
    return new SandboxPolicy(name, manager, record.map(SandboxRecord::source).orElse(manager == Manager.CLI ? "cli" : null),
        record.map(r -> r.applied().get().drift().name().toLowerCase(Locale.ROOT)).orElse(null), mode, defaultOrigin,
        defaultStatus, rules);
  }

  private static List<String> rules(EgressSpec spec, String decision) {
    return decision.equals("allow") ? spec.allow() : spec.deny();
  }

  // ---------------------------------------------------------------------------------- changes

  /** {@code allow}, {@code deny} or {@code rm} of rule texts (canonicalised; a bad one changes nothing). */
  synchronized ChangeResult change(String sandbox, String action, List<String> texts) {
    if (texts.isEmpty()) {
      throw RouteError.invalid("no rule given; e.g. sbx policy " + action + " " + sandbox + " api.example.com:443");
    }
    List<String> rules = new ArrayList<>();
    for (String t : texts) {
      try {
        rules.add(Rule.parse(t.trim()).toString());
      } catch (InvalidRuleException e) {
        throw RouteError.invalid(e.getMessage());
      }
    }
    EgressSpec have = current(sandbox);
    Set<String> allow = new TreeSet<>(have.allow());
    Set<String> deny = new TreeSet<>(have.deny());
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    Instant now = clock.instant();
    List<ImperativeLedger.Entry> entries = new ArrayList<>();
    for (String rule : rules) {
      switch (action) {
        case "allow", "deny" -> {
          Set<String> target = action.equals("allow") ? allow : deny;
          if (target.add(rule)) {
            changed.add(rule);
            entries.add(new ImperativeLedger.Entry(action, rule, "", now));
          } else {
            unchanged.add(rule);
          }
        }
        case "rm" -> {
          boolean a = allow.remove(rule);
          boolean d = deny.remove(rule);
          if (a) {
            entries.add(new ImperativeLedger.Entry("rm-allow", rule, "", now));
          }
          if (d) {
            entries.add(new ImperativeLedger.Entry("rm-deny", rule, "", now));
          }
          (a || d ? changed : unchanged).add(rule);
        }
        default -> throw new IllegalStateException("unknown policy action " + action);
      }
    }
    if (action.equals("rm") && changed.isEmpty()) {
      throw RouteError.invalid("sandbox " + sandbox + " has no rule " + String.join(", ", unchanged)
          + "; see sbx policy ls " + sandbox);
    }
    if (!changed.isEmpty()) {
      apply(sandbox, new EgressSpec(have.defaultMode(), List.copyOf(allow), List.copyOf(deny)), entries);
    }
    return result(sandbox, action, changed, unchanged);
  }

  /** {@code set-default}: {@code allow-all | balanced | deny-all} ({@code allow}/{@code deny} are accepted too). */
  synchronized ChangeResult setDefault(String sandbox, String modeText) {
    String mode = switch (modeText.toLowerCase(Locale.ROOT)) {
      case "allow", "open" -> "allow-all";
      case "deny", "locked-down" -> "deny-all";
      default -> modeText.toLowerCase(Locale.ROOT);
    };
    try {
      Mode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw RouteError.invalid("'" + modeText + "' is not a default mode; use allow-all, balanced or deny-all");
    }
    EgressSpec have = current(sandbox);
    if (have.defaultMode().equals(mode)) {
      return result(sandbox, "set-default", List.of(), List.of(mode));
    }
    apply(sandbox, new EgressSpec(mode, have.allow(), have.deny()),
        List.of(new ImperativeLedger.Entry("set-default", mode, have.defaultMode(), clock.instant())));
    return result(sandbox, "set-default", List.of(mode), List.of());
  }

  private EgressSpec current(String sandbox) {
    return egress.rules(sandbox).orElseThrow(() -> RouteError.notFound(
        "sandbox " + sandbox + " has no egress rules (no such sandbox?); see sbx ls"));
  }

  private void apply(String sandbox, EgressSpec next, List<ImperativeLedger.Entry> entries) {
    egress.set(sandbox, next);
    entries.forEach(e -> ledger.record(sandbox, e));
    ledger.cli(sandbox).ifPresent(c -> ledger.putCli(sandbox, new ImperativeLedger.CliSandbox(c.agent(), c.created(), next)));
  }

  private ChangeResult result(String sandbox, String action, List<String> changed, List<String> unchanged) {
    Optional<SandboxRecord> record = records.get(sandbox).filter(r -> r.applied().isPresent());
    Manager manager = record.isPresent() ? Manager.SOURCE : ledger.cli(sandbox).isPresent() ? Manager.CLI : Manager.UNKNOWN;
    return new ChangeResult(sandbox, action, changed, unchanged, manager, record.map(SandboxRecord::source).orElse(null),
        record.map(r -> r.applied().get().drift().name().toLowerCase(Locale.ROOT)).orElse(null));
  }
}

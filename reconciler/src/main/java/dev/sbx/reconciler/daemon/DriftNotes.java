package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.plan.Change;
import dev.sbx.reconciler.plan.FieldChange;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.databind.ObjectMapper;

/**
 * Says who made an egress drift: for each rule the proxy enforces differently from what the
 * source wants, a line such as {@code changed outside git: allow api.example.com added by sbx
 * policy allow at 2026-11-23T15:40:00Z}, from the {@link ImperativeLedger}. Added to plans as
 * warnings (human and {@code -o json}), so {@code sbx diff} and {@code sbx apply} name the
 * command behind a {@code ~} drift change; {@code sbx ls} shows the same lines per sandbox.
 */
final class DriftNotes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ImperativeLedger ledger;

  DriftNotes(ImperativeLedger ledger) {
    this.ledger = ledger;
  }

  /** The plan with one warning per egress drift field of each drift change. */
  Plan annotate(Plan plan) {
    List<PlanWarning> notes = new ArrayList<>(plan.warnings());
    boolean any = false;
    for (Change c : plan.changes()) {
      if (!c.drift()) {
        continue;
      }
      for (FieldChange f : c.fields()) {
        Optional<String> note = note(c.sandbox(), f);
        if (note.isPresent()) {
          notes.add(new PlanWarning(c.sandbox(), note.get()));
          any = true;
        }
      }
    }
    return any ? new Plan(plan.formatVersion(), plan.source(), plan.desiredFingerprint(), plan.observedFingerprint(),
        plan.options(), plan.changes(), notes) : plan;
  }

  /** Drift lines of one sandbox: {@code want} is what its source says, {@code have} what the proxy enforces. */
  List<String> egress(String sandbox, EgressSpec want, EgressSpec have) {
    List<String> out = new ArrayList<>();
    if (have == null) {
      out.add("changed outside git: egress rules missing on the proxy");
      return out;
    }
    if (!want.defaultMode().equals(have.defaultMode())) {
      out.add(line(sandbox, "set-default", have.defaultMode(), "default " + want.defaultMode() + " → " + have.defaultMode()));
    }
    for (String decision : List.of("allow", "deny")) {
      var wanted = new TreeSet<>(decision.equals("allow") ? want.allow() : want.deny());
      var had = new TreeSet<>(decision.equals("allow") ? have.allow() : have.deny());
      for (String r : had) {
        if (!wanted.contains(r)) {
          out.add(line(sandbox, decision, r, decision + " " + r + " added"));
        }
      }
      for (String r : wanted) {
        if (!had.contains(r)) {
          out.add(line(sandbox, "rm-" + decision, r, decision + " " + r + " removed"));
        }
      }
    }
    return out;
  }

  private Optional<String> note(String sandbox, FieldChange f) {
    String value = unquote(f.op() == FieldChange.Op.REMOVE ? f.before() : f.after());
    return switch (f.field()) {
      // The plan goes from what is enforced to what is wanted: a REMOVE undoes a hand-made addition.
      case "egress.allow", "egress.deny" -> {
        String decision = f.field().substring("egress.".length());
        boolean added = f.op() == FieldChange.Op.REMOVE;
        yield Optional.of(line(sandbox, added ? decision : "rm-" + decision, value,
            decision + " " + value + (added ? " added" : " removed")));
      }
      case "egress.default" -> {
        String now = unquote(f.before());
        yield Optional.of(line(sandbox, "set-default", now, "default " + unquote(f.after()) + " → " + now));
      }
      default -> Optional.empty();
    };
  }

  private String line(String sandbox, String action, String rule, String what) {
    return "changed outside git: " + what + ledger.last(sandbox, action, rule)
        .map(e -> " by " + e.command() + " at " + e.at()).orElse(" (not by sbx policy)");
  }

  private static String unquote(String s) {
    if (s.startsWith("\"")) {
      try {
        return JSON.readTree(s).asString();
      } catch (RuntimeException e) {
        return s;
      }
    }
    return s;
  }
}

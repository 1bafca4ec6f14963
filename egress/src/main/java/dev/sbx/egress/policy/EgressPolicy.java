package dev.sbx.egress.policy;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.api.CanonicalHost;
import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.Rule;
import dev.sbx.egress.api.RuleSet;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule set compiled for matching. Netty-free and immutable: the proxy swaps whole instances.
 *
 * <p>Order: a matching deny rule denies; else the first matching allow rule (the rule set's own,
 * then the mode's base) allows; else default deny.
 */
public final class EgressPolicy {

  static final String DEFAULT_DENY_DETAIL = "no matching allow rule - blocked by default deny policy";

  private final RuleSet rules;
  private final Matcher deny;
  private final Matcher allow;

  private EgressPolicy(RuleSet rules) {
    this.rules = rules;
    this.deny = new Matcher(rules.deny());
    List<Rule> allowRules = new ArrayList<>(rules.allow());
    if (rules.mode() == Mode.ALLOW_ALL) {
      allowRules.add(Rule.parse("**"));
    } else if (rules.mode() == Mode.BALANCED) {
      allowRules.addAll(BalancedDefaults.rules());
    }
    this.allow = new Matcher(allowRules);
  }

  public static EgressPolicy compile(RuleSet rules) {
    return new EgressPolicy(Objects.requireNonNull(rules, "rules"));
  }

  /** The rule set this policy enforces. */
  public RuleSet rules() {
    return rules;
  }

  /** Decides one destination (before DNS). */
  public Decision decide(Authority target) {
    Optional<Rule> d = deny.first(target.host(), target.port());
    if (d.isPresent()) {
      return new Decision.Deny("deny " + d.get(), "matched a deny rule");
    }
    Optional<Rule> a = allow.first(target.host(), target.port());
    if (a.isPresent()) {
      return new Decision.Allow(a.get().toString());
    }
    return new Decision.Deny("default deny", DEFAULT_DENY_DETAIL);
  }

  /** A deny rule covering a resolved address (deny CIDRs apply to DNS answers too). */
  public Optional<Rule> denyingAddress(InetAddress address, int port) {
    return deny.firstAddress(address, port, false);
  }

  /**
   * An explicit allow rule for this address: an IP or CIDR allow rule narrower than /0. Only
   * such a rule lets a destination into the always-refused ranges.
   */
  public Optional<Rule> explicitlyAllowing(InetAddress address, int port) {
    return allow.firstAddress(address, port, true);
  }

  /** Rules by form, for fast lookup; every list keeps rule order. */
  private static final class Matcher {
    private final Map<String, List<Rule>> exact = new HashMap<>();
    private final Map<String, List<Rule>> oneLabel = new HashMap<>();
    private final Map<String, List<Rule>> anyDepth = new HashMap<>();
    private final List<Rule> any = new ArrayList<>();
    private final List<Rule> cidrs = new ArrayList<>();

    Matcher(List<Rule> rules) {
      for (Rule r : rules) {
        switch (r.kind()) {
          case EXACT -> exact.computeIfAbsent(r.host(), k -> new ArrayList<>()).add(r);
          case ONE_LABEL -> oneLabel.computeIfAbsent(r.host(), k -> new ArrayList<>()).add(r);
          case ANY_DEPTH -> anyDepth.computeIfAbsent(r.host(), k -> new ArrayList<>()).add(r);
          case ANY -> any.add(r);
          case CIDR -> cidrs.add(r);
        }
      }
    }

    Optional<Rule> first(CanonicalHost host, int port) {
      if (host.isIp()) {
        Optional<Rule> r = firstAddress(host.address(), port, false);
        return r.isPresent() ? r : firstPort(any, port);
      }
      String name = host.value();
      Optional<Rule> r = firstPort(exact.get(name), port);
      if (r.isPresent()) {
        return r;
      }
      int dot = name.indexOf('.');
      if (dot > 0) {
        r = firstPort(oneLabel.get(name.substring(dot + 1)), port);
        if (r.isPresent()) {
          return r;
        }
      }
      // Every proper suffix after a dot, for **.suffix.
      for (int i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) {
        r = firstPort(anyDepth.get(name.substring(i + 1)), port);
        if (r.isPresent()) {
          return r;
        }
      }
      return firstPort(any, port);
    }

    Optional<Rule> firstAddress(InetAddress address, int port, boolean explicitOnly) {
      for (Rule r : cidrs) {
        if (explicitOnly && r.cidr().prefix() == 0) {
          continue;
        }
        if (r.coversPort(port) && r.cidr().contains(address)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }

    private static Optional<Rule> firstPort(List<Rule> rules, int port) {
      if (rules != null) {
        for (Rule r : rules) {
          if (r.coversPort(port)) {
            return Optional.of(r);
          }
        }
      }
      return Optional.empty();
    }
  }
}

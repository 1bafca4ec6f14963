package dev.sbx.egress.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one sandbox may reach: a {@link Mode} as the base, plus allow and deny rules. Deny rules
 * beat everything; allow rules add to the base in every mode.
 */
public record RuleSet(Mode mode, List<Rule> allow, List<Rule> deny) {
  public RuleSet {
    Objects.requireNonNull(mode, "mode");
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }

  /** Parses rule texts; the first bad one throws {@link InvalidRuleException}. */
  public static RuleSet of(Mode mode, List<String> allow, List<String> deny) {
    return new RuleSet(mode, parseAll(allow), parseAll(deny));
  }

  public static RuleSet denyAll() {
    return new RuleSet(Mode.DENY_ALL, List.of(), List.of());
  }

  public static RuleSet allowAll() {
    return new RuleSet(Mode.ALLOW_ALL, List.of(), List.of());
  }

  public static RuleSet balanced() {
    return new RuleSet(Mode.BALANCED, List.of(), List.of());
  }

  /** Default-deny with exactly these allow rules. */
  public static RuleSet allowing(String... rules) {
    return of(Mode.DENY_ALL, List.of(rules), List.of());
  }

  private static List<Rule> parseAll(List<String> texts) {
    List<Rule> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(Rule.parse(t));
    }
    return out;
  }
}

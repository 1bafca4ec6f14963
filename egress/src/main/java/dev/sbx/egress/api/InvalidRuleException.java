package dev.sbx.egress.api;

/**
 * A user error in one rule: carries the rule text and a hint. The manifest loader adds the file
 * and line where the rule came from.
 */
public final class InvalidRuleException extends IllegalArgumentException {
  private final String rule;
  private final String problem;
  private final String hint;

  public InvalidRuleException(String rule, String problem, String hint) {
    super("invalid network rule '" + rule + "': " + problem + (hint.isEmpty() ? "" : " (" + hint + ")"));
    this.rule = rule;
    this.problem = problem;
    this.hint = hint;
  }

  public String rule() {
    return rule;
  }

  /** What is wrong, without the rule text or hint (for callers that place those themselves). */
  public String problem() {
    return problem;
  }

  /** How to fix it; empty when there is nothing better to say than the problem. */
  public String hint() {
    return hint;
  }
}

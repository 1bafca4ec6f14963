package dev.sbx.egress.api;

/**
 * The base of a rule set, before its own allow rules are added. Deny rules always win.
 *
 * <ul>
 *   <li>{@code allow-all}: every host is allowed (as if {@code **} were an allow rule);
 *   <li>{@code balanced}: the built-in list of AI providers, code hosts and package managers
 *       ({@code balanced.txt} in this module's resources) is allowed;
 *   <li>{@code deny-all}: nothing but the rule set's own allow rules.
 * </ul>
 *
 * The always-refused address ranges (loopback, metadata, private, ...) apply in every mode.
 */
public enum Mode {
  ALLOW_ALL("allow-all"),
  BALANCED("balanced"),
  DENY_ALL("deny-all");

  private final String text;

  Mode(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** Parses {@code allow-all | balanced | deny-all}. */
  public static Mode parse(String text) {
    for (Mode m : values()) {
      if (m.text.equals(text)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown network mode '" + text + "'; use allow-all, balanced or deny-all");
  }

  @Override
  public String toString() {
    return text;
  }
}

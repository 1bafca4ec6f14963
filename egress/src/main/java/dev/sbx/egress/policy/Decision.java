package dev.sbx.egress.policy;

import java.util.Objects;

/** The outcome of matching one destination against a rule set. */
public sealed interface Decision {

  /** The text of the rule that decided, or a name such as {@code default deny}. */
  String rule();

  /** Allowed by {@code rule}. */
  record Allow(String rule) implements Decision {
    public Allow {
      Objects.requireNonNull(rule, "rule");
    }
  }

  /** Denied by {@code rule}; {@code detail} is what the 403 body says. */
  record Deny(String rule, String detail) implements Decision {
    public Deny {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(detail, "detail");
    }
  }
}

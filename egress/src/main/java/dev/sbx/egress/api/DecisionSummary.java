package dev.sbx.egress.api;

import java.time.Instant;
import java.util.Objects;

/** Decision records grouped by sandbox, host, port, rule and decision (for {@code sbx policy log}). */
public record DecisionSummary(
    String sandbox, String host, int port, String rule, String decision, long count, Instant lastSeen) {
  public DecisionSummary {
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}

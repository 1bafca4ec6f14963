package dev.sbx.cli.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the dashboard shows at one moment: the daemon's sandboxes and its newest network decisions,
 * or why there are none ({@code problem}: no daemon, an error answer).
 *
 * @param decisionsAvailable false when the daemon has no egress proxy (memory actuators) or no
 *     decisions route (an older daemon)
 */
record Snapshot(Optional<String> problem, List<SandboxRow> sandboxes, List<DecisionRow> decisions,
    boolean decisionsAvailable, Instant fetchedAt) {
  Snapshot {
    Objects.requireNonNull(problem, "problem");
    sandboxes = List.copyOf(sandboxes);
    decisions = List.copyOf(decisions);
    Objects.requireNonNull(fetchedAt, "fetchedAt");
  }

  static Snapshot unavailable(String problem, Instant at) {
    return new Snapshot(Optional.of(problem), List.of(), List.of(), false, at);
  }

  /** One sandbox (left pane). {@code uptime} is empty when not running or unknown. */
  record SandboxRow(String name, String state, int cpus, long memoryMib, Optional<Duration> uptime, String owner,
      String agent) {
    SandboxRow {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(uptime, "uptime");
      owner = owner == null ? "" : owner;
      agent = agent == null ? "" : agent;
    }
  }

  /** One network decision (right pane). */
  record DecisionRow(Instant time, String sandbox, String host, int port, String rule, String decision) {
    DecisionRow {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(decision, "decision");
    }
  }
}

package dev.sbx.reconciler.status;

import java.time.Instant;
import java.util.Objects;

/**
 * What the controller last saw and did for one sandbox: its {@code state}, whether the last plan
 * found {@code drift} (a difference made outside sbx; corrected, reported or ignored per its drift
 * mode), the last change kind ({@code create}, {@code update}, ..., {@code no-op}), a message (the
 * failure, if any) and when.
 */
public record SandboxStatus(
    String name, String sourceId, State state, boolean drift, boolean suspended, String lastChange, String message,
    Instant updatedAt) {

  public enum State {
    /** Matches its source. */
    IN_SYNC,
    /** The last apply changed it and succeeded. */
    UPDATED,
    /** The last apply failed for it; it is retried with backoff. */
    FAILED,
    /** Suspended: left as it is whatever the source says. */
    SUSPENDED,
    /** Pruned: no longer declared and deleted. */
    DELETED
  }

  public SandboxStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sourceId, "sourceId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastChange, "lastChange");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}

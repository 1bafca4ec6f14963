package dev.sbx.reconciler.state;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the journal. An {@link Type#INTENT} is written (and fsynced) before an action touches
 * the world; the {@link Type#OUTCOME} with the same {@code id} after it. An intent without an
 * outcome means the process died in between: the next apply re-observes and converges, then writes
 * an outcome with status {@code recovered}. {@code status} and {@code message} are empty on intents.
 */
public record JournalEntry(
    Type type, String id, Instant time, String sandbox, String action, String source, String status, String message) {

  /** Intent or outcome. */
  public enum Type {
    INTENT,
    OUTCOME
  }

  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String RECOVERED = "recovered";

  public JournalEntry {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
  }
}

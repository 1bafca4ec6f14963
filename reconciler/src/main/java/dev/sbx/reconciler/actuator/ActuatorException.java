package dev.sbx.reconciler.actuator;

import java.util.Objects;

/**
 * A port failed. The {@link Kind} decides what the reconciler does: a transient fault is retried
 * with backoff, a permanent one is reported without retry, an environment problem (no hypervisor,
 * missing tool) is reported without retry and maps to exit code 5. Messages must never contain a
 * secret value.
 */
public final class ActuatorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How a failure should be handled. */
  public enum Kind {
    TRANSIENT,
    PERMANENT,
    ENVIRONMENT
  }

  private final Kind kind;

  public ActuatorException(Kind kind, String message) {
    this(kind, message, null);
  }

  public ActuatorException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public static ActuatorException transientFault(String message) {
    return new ActuatorException(Kind.TRANSIENT, message);
  }

  public static ActuatorException permanent(String message) {
    return new ActuatorException(Kind.PERMANENT, message);
  }

  public Kind kind() {
    return kind;
  }

  public boolean retryable() {
    return kind == Kind.TRANSIENT;
  }
}

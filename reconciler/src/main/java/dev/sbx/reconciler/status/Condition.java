package dev.sbx.reconciler.status;

import java.time.Instant;
import java.util.Objects;

/**
 * One status condition, as Flux and Kubernetes write them: {@code type} ({@link #READY}, {@link
 * #RECONCILING}, {@link #STALLED}), {@code status}, a CamelCase {@code reason}, a human {@code
 * message}, and when {@code status} last changed. Reconciling and Stalled are "abnormal-true":
 * they are present only while true.
 */
public record Condition(String type, Status status, String reason, String message, Instant lastTransitionTime) {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  public enum Status { TRUE, FALSE, UNKNOWN }

  public Condition {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
  }

  public boolean isTrue() {
    return status == Status.TRUE;
  }
}

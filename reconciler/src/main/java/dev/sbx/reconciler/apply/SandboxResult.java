package dev.sbx.reconciler.apply;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.plan.ChangeKind;
import java.util.Objects;
import java.util.Optional;

/**
 * What apply did to one sandbox. On failure, {@code failedAction} and {@code failureKind} say where
 * and why; the sandbox's remaining actions were skipped and other sandboxes went on.
 */
public record SandboxResult(
    String sandbox, ChangeKind kind, Status status, String message,
    Optional<String> failedAction, Optional<ActuatorException.Kind> failureKind) {

  /** The result of one sandbox. */
  public enum Status {
    /** The world was changed to match. */
    APPLIED,
    /** Nothing needed doing (a no-op, maybe with its record refreshed). */
    UNCHANGED,
    FAILED
  }

  public SandboxResult {
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(failedAction, "failedAction");
    Objects.requireNonNull(failureKind, "failureKind");
  }
}

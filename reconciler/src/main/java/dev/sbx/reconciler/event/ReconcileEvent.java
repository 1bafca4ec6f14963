package dev.sbx.reconciler.event;

import dev.sbx.reconciler.actuator.ActuatorException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the reconciler reports while it works. The core never prints: the CLI renders these, the
 * daemon logs them as structured lines. Messages never contain secret values.
 */
public sealed interface ReconcileEvent {

  record PhaseStarted(Phase phase) implements ReconcileEvent {
    public PhaseStarted {
      Objects.requireNonNull(phase, "phase");
    }
  }

  record PhaseFinished(Phase phase, Duration took) implements ReconcileEvent {
    public PhaseFinished {
      Objects.requireNonNull(phase, "phase");
      Objects.requireNonNull(took, "took");
    }
  }

  /** An action (for example {@code vm.create}) is about to run; {@code attempt} counts from 1. */
  record ActionStarted(String sandbox, String action, int attempt) implements ReconcileEvent {
    public ActionStarted {
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(action, "action");
    }
  }

  /** The action finished; {@code changed} is false when the world already matched (idempotent re-run). */
  record ActionSucceeded(String sandbox, String action, boolean changed) implements ReconcileEvent {
    public ActionSucceeded {
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(action, "action");
    }
  }

  /** The action failed; {@code retryIn} is present when it will be retried after that delay. */
  record ActionFailed(String sandbox, String action, String message, ActuatorException.Kind kind, Optional<Duration> retryIn)
      implements ReconcileEvent {
    public ActionFailed {
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(retryIn, "retryIn");
    }
  }

  /** Something worth telling; {@code sandbox} is empty when it concerns the whole run. */
  record Warning(String sandbox, String message) implements ReconcileEvent {
    public Warning {
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(message, "message");
    }
  }
}

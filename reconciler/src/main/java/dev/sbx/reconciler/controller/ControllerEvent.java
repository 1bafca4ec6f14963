package dev.sbx.reconciler.controller;

import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.status.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the controller did, for {@code sbx events} and the daemon's log. Each names its source (or
 * sandbox) and when it happened. Listeners render; the controller never prints.
 */
public sealed interface ControllerEvent {

  Instant at();

  /** Why a source was queued now: {@code webhook}, {@code watch}, {@code trigger}, {@code resume}, {@code added}. */
  record Triggered(Instant at, String sourceId, String why) implements ControllerEvent {}

  /** A fetch produced {@code revision}; {@code changed} when it differs from the one fetched before. */
  record Fetched(Instant at, String sourceId, String revision, boolean changed) implements ControllerEvent {}

  /** A fetch failed; the last good state stays; next try in {@code retryIn}. */
  record FetchFailed(Instant at, String sourceId, String reason, String message, Duration retryIn)
      implements ControllerEvent {}

  /** {@code revision} was applied: change counts, drift found, time taken. */
  record Reconciled(Instant at, String sourceId, String revision, Map<ChangeKind, Integer> changes, boolean drift,
      Duration took) implements ControllerEvent {
    public Reconciled {
      changes = Map.copyOf(changes);
    }
  }

  /** Building or applying {@code revision} failed; retried in {@code retryIn} (empty reason never). */
  record ReconcileFailed(Instant at, String sourceId, String revision, String reason, String message,
      Duration retryIn) implements ControllerEvent {}

  /** A condition of a source changed its status or reason. */
  record ConditionChanged(Instant at, String sourceId, Condition condition) implements ControllerEvent {}

  /** A source or sandbox was suspended or resumed. {@code kind} is {@code source} or {@code sandbox}. */
  record SuspendChanged(Instant at, String kind, String name, boolean suspended) implements ControllerEvent {
    public SuspendChanged {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
    }
  }
}

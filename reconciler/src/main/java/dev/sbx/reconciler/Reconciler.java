package dev.sbx.reconciler;

import dev.sbx.reconciler.actuator.Actuators;
import dev.sbx.reconciler.apply.ApplyOptions;
import dev.sbx.reconciler.apply.ApplyResult;
import dev.sbx.reconciler.apply.PlanRunner;
import dev.sbx.reconciler.apply.Sleeper;
import dev.sbx.reconciler.apply.StalePlanException;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.event.Phase;
import dev.sbx.reconciler.event.ReconcileEvent;
import dev.sbx.reconciler.event.ReconcileEventHandler;
import dev.sbx.reconciler.observe.ActualState;
import dev.sbx.reconciler.observe.Observer;
import dev.sbx.reconciler.plan.Differ;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.state.FileLockGuard;
import dev.sbx.reconciler.state.Inventory;
import dev.sbx.reconciler.state.LockHolder;
import dev.sbx.reconciler.state.StateDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The reconciler core, used by {@code sbx plan/diff/apply} and by the daemon's controller:
 * desired (given) → observe → diff → apply. It never prints; progress goes to the event handler.
 *
 * <p>Errors: {@link dev.sbx.reconciler.state.LockHeldException} (exit 4), {@link
 * StalePlanException} (exit 2), {@link dev.sbx.reconciler.actuator.ActuatorException} while
 * observing (exit 5: the world cannot be read, nothing was changed); an {@link ApplyResult} says
 * per sandbox what happened ({@link ApplyResult#exitCode()}).
 */
public final class Reconciler {
  private final Actuators actuators;
  private final StateDirectory state;
  private final ReconcileEventHandler events;
  private final Clock clock;
  private final PlanRunner runner;

  public Reconciler(Actuators actuators, StateDirectory state, ReconcileEventHandler events) {
    this(actuators, state, events, Clock.systemUTC(), Sleeper.REAL, new SplittableRandom());
  }

  public Reconciler(
      Actuators actuators, StateDirectory state, ReconcileEventHandler events, Clock clock, Sleeper sleeper,
      RandomGenerator random) {
    this.actuators = actuators;
    this.state = state;
    this.events = events;
    this.clock = clock;
    this.runner = new PlanRunner(actuators, state, clock, sleeper, random, events);
  }

  /** Observes the world and diffs it against {@code desired}. Read-only: takes no lock, writes nothing. */
  public Plan plan(DesiredState desired, PlanOptions options) {
    state.journal().dangling().forEach(e -> events.on(new ReconcileEvent.Warning(e.sandbox(),
        "an earlier apply stopped during " + e.action() + "; the next apply re-observes and converges")));
    Inventory inventory = state.store().load();
    ActualState actual = phase(Phase.OBSERVE, () -> new Observer(actuators).observe());
    return phase(Phase.DIFF, () -> Differ.diff(desired, actual, inventory, options));
  }

  /** The same as {@link #plan}; named for {@code sbx diff} ({@code Plan#inSync()} gives its exit code). */
  public Plan diff(DesiredState desired, PlanOptions options) {
    return plan(desired, options);
  }

  /**
   * Applies a saved plan exactly: under the state lock, replays the journal, observes, refuses the
   * plan when the world or the inventory changed since it was made, then runs it.
   */
  @SuppressWarnings("try") // the lock is held for the block
  public ApplyResult apply(Plan plan, ApplyOptions options) {
    try (FileLockGuard lock = lockState(options)) {
      runner.recover();
      Inventory inventory = state.store().load();
      ActualState actual = phase(Phase.OBSERVE, () -> new Observer(actuators).observe());
      String now = Differ.observedFingerprint(actual, inventory);
      if (!now.equals(plan.observedFingerprint())) {
        throw new StalePlanException(plan.observedFingerprint(), now);
      }
      return phase(Phase.APPLY, () -> runner.run(plan, inventory, options));
    }
  }

  /** Plans and applies in one go under one state lock ({@code sbx apply -f DIR}, the controller). */
  @SuppressWarnings("try") // the lock is held for the block
  public ApplyResult apply(DesiredState desired, PlanOptions planOptions, ApplyOptions options) {
    try (FileLockGuard lock = lockState(options)) {
      runner.recover();
      Inventory inventory = state.store().load();
      ActualState actual = phase(Phase.OBSERVE, () -> new Observer(actuators).observe());
      Plan plan = phase(Phase.DIFF, () -> Differ.diff(desired, actual, inventory, planOptions));
      return phase(Phase.APPLY, () -> runner.run(plan, inventory, options));
    }
  }

  private FileLockGuard lockState(ApplyOptions options) {
    return state.lockState(LockHolder.self(options.command(), clock.instant()), options.lockTimeout());
  }

  private <T> T phase(Phase phase, Supplier<T> work) {
    long start = System.nanoTime();
    events.on(new ReconcileEvent.PhaseStarted(phase));
    T result = work.get();
    events.on(new ReconcileEvent.PhaseFinished(phase, Duration.ofNanos(System.nanoTime() - start)));
    return result;
  }
}

package dev.sbx.reconciler.apply;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.Actuators;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.event.ReconcileEvent;
import dev.sbx.reconciler.event.ReconcileEventHandler;
import dev.sbx.reconciler.plan.Change;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.state.FileLockGuard;
import dev.sbx.reconciler.state.Inventory;
import dev.sbx.reconciler.state.JournalEntry;
import dev.sbx.reconciler.state.LockHeldException;
import dev.sbx.reconciler.state.LockHolder;
import dev.sbx.reconciler.state.SandboxRecord;
import dev.sbx.reconciler.state.StateDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Runs a plan's changes one sandbox at a time, each under its sandbox lock: journal intent, action
 * (retried with backoff while the fault is transient), journal outcome; then the state record. A
 * failed sandbox stops at its failed action and the runner goes on with the next one.
 */
public final class PlanRunner {
  static final long JOURNAL_MAX_BYTES = 4L << 20;
  static final int JOURNAL_KEEP_ENTRIES = 10_000;
  private final Actuators world;
  private final StateDirectory state;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final ReconcileEventHandler events;

  public PlanRunner(
      Actuators world, StateDirectory state, Clock clock, Sleeper sleeper, RandomGenerator random,
      ReconcileEventHandler events) {
    this.world = world;
    this.state = state;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
    this.events = events;
  }

  /** Replays the journal (see {@link JournalRecovery}); call under the state lock before observing. */
  public List<JournalEntry> recover() {
    return new JournalRecovery(state.journal(), events).recover();
  }

  /** Applies every change of {@code plan}; {@code inventory} is the state as observed for it. */
  public ApplyResult run(Plan plan, Inventory inventory, ApplyOptions options) {
    plan.warnings().forEach(w -> events.on(new ReconcileEvent.Warning(w.sandbox(), w.message())));
    LockHolder me = LockHolder.self(options.command(), clock.instant());
    List<SandboxResult> results = new ArrayList<>();
    for (Change change : plan.changes()) {
      results.add(runOne(plan, change, inventory.get(change.sandbox()), me, options));
    }
    // Still under the state lock: bound the journal (open intents are always kept).
    state.journal().compact(JOURNAL_MAX_BYTES, JOURNAL_KEEP_ENTRIES);
    return new ApplyResult(plan, results);
  }

  @SuppressWarnings("try") // the sandbox lock is held for the block
  private SandboxResult runOne(Plan plan, Change change, Optional<SandboxRecord> rec, LockHolder me, ApplyOptions options) {
    String name = change.sandbox();
    String source = plan.source().id();
    try (FileLockGuard lock = state.lockSandbox(name, me, options.lockTimeout())) {
      if (change instanceof Change.NoOp noOp) {
        if (noOp.refreshRecord() && noOp.desired().isPresent()) {
          writeRecord(plan, noOp.desired().get(), rec);
        }
        return result(change, SandboxResult.Status.UNCHANGED, noOp.reason());
      }
      if (rec.isEmpty() && (change instanceof Change.Create || change instanceof Change.Replace)) {
        // In the inventory before the first action: whatever happens next, it can be pruned.
        state.store().put(SandboxRecord.creating(name, source, clock.instant()));
      }
      for (Action action : Steps.forChange(change, source).actions()) {
        Optional<ActuatorException> failure = runAction(action, source, options.retry());
        if (failure.isPresent()) {
          return new SandboxResult(name, change.kind(), SandboxResult.Status.FAILED,
              action.name() + " failed: " + failure.get().getMessage(), Optional.of(action.name()),
              Optional.of(failure.get().kind()));
        }
      }
      if (change instanceof Change.Delete) {
        state.store().remove(name);
      } else {
        writeRecord(plan, change.desired().orElseThrow(), rec);
      }
      return result(change, SandboxResult.Status.APPLIED, change.reason());
    } catch (LockHeldException e) {
      events.on(new ReconcileEvent.Warning(name, e.getMessage()));
      return new SandboxResult(name, change.kind(), SandboxResult.Status.FAILED, e.getMessage(), Optional.empty(),
          Optional.of(ActuatorException.Kind.TRANSIENT));
    }
  }

  private Optional<ActuatorException> runAction(Action action, String source, RetryPolicy policy) {
    RetryPolicy.RetryState retry = policy.start(random);
    String id = state.journal().intent(action.sandbox(), action.name(), source);
    int attempt = 1;
    while (true) {
      events.on(new ReconcileEvent.ActionStarted(action.sandbox(), action.name(), attempt));
      try {
        boolean changed = action.run(world);
        state.journal().outcome(id, action.sandbox(), action.name(), source, JournalEntry.OK,
            changed ? "changed" : "already in place");
        events.on(new ReconcileEvent.ActionSucceeded(action.sandbox(), action.name(), changed));
        return Optional.empty();
      } catch (ActuatorException e) {
        Optional<Duration> delay = e.retryable() ? retry.nextDelay() : Optional.empty();
        events.on(new ReconcileEvent.ActionFailed(action.sandbox(), action.name(), e.getMessage(), e.kind(), delay));
        if (delay.isEmpty()) {
          state.journal().outcome(id, action.sandbox(), action.name(), source, JournalEntry.FAILED, e.getMessage());
          return Optional.of(e);
        }
        sleeper.sleep(delay.get());
        attempt++;
      }
    }
  }

  private void writeRecord(Plan plan, DesiredSandbox desired, Optional<SandboxRecord> rec) {
    boolean createdBySbx = rec.map(SandboxRecord::createdBySbx).orElse(true);
    state.store().put(new SandboxRecord(desired.name(), plan.source().id(), createdBySbx, Optional.of(desired),
        plan.source().revision(), clock.instant()));
  }

  private static SandboxResult result(Change change, SandboxResult.Status status, String message) {
    return new SandboxResult(change.sandbox(), change.kind(), status, message, Optional.empty(), Optional.empty());
  }
}

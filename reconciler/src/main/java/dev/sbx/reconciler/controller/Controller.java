package dev.sbx.reconciler.controller;

import dev.sbx.reconciler.Reconciler;
import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.apply.ApplyResult;
import dev.sbx.reconciler.apply.SandboxResult;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.plan.Change;
import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.source.PushEvent;
import dev.sbx.reconciler.source.Source;
import dev.sbx.reconciler.source.SourceException;
import dev.sbx.reconciler.source.SourceSnapshot;
import dev.sbx.reconciler.status.Condition;
import dev.sbx.reconciler.status.ControllerStatus;
import dev.sbx.reconciler.status.SandboxStatus;
import dev.sbx.reconciler.status.SourceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The GitOps controller: keeps every added {@link Source} converged. Level-triggered: each pass
 * fetches the source, compiles the snapshot to a {@link DesiredState} (the injected compiler) and
 * lets the {@link Reconciler} plan and apply against the observed world, so whatever triggered it
 * (a poll, a file event, a webhook, a failed earlier pass) the result is the same.
 *
 * <p>Work is keyed by source id in a {@link WorkQueue}: a source is queued once and never
 * processed by two workers at once. After a pass the key is scheduled again after the source's
 * poll interval (with jitter); after a failure, after the per-key backoff (success resets it; a
 * new event — webhook, file change, trigger, resume — skips it). A global token bucket limits the
 * reconcile rate.
 *
 * <p>Failure rules: a fetch that fails (unreachable, corrupt) changes nothing in the world — the
 * last good state stays — and shows {@code Stalled} with the source's reason until a fetch
 * succeeds. A snapshot that does not compile ({@code BuildFailed}) changes nothing either. A
 * partially loaded state never prunes (the {@link Reconciler} refuses to). Suspended sources are
 * skipped; suspended sandboxes are left out of each plan (neither updated nor pruned).
 */
public final class Controller implements AutoCloseable {
  private final Reconciler reconciler;
  private final Function<SourceSnapshot, DesiredState> compiler;
  private final ControllerOptions options;
  private final ControllerListener listener;
  private final Clock clock;
  private final RandomGenerator random;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final TokenBucket rateLimit;
  private final Map<String, SourceEntry> sources = new ConcurrentHashMap<>();
  private final Set<String> suspendedSandboxes = ConcurrentHashMap.newKeySet();
  private final Map<String, SandboxStatus> sandboxes = new ConcurrentSkipListMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running;

  /**
   * @param reconciler the core, over the daemon's actuators and state directory
   * @param compiler snapshot → desired state (the desired-state compiler); a thrown exception is a
   *     build failure of that revision (nothing is applied)
   */
  public Controller(Reconciler reconciler, Function<SourceSnapshot, DesiredState> compiler, ControllerOptions options,
      ControllerListener listener, Clock clock) {
    this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = new SplittableRandom();
    this.rateLimit = new TokenBucket(options.ratePerSecond(), options.burst());
  }

  /** Adds a source, starts watching it and queues it now. Its id must be new. */
  public void add(Source source) {
    add(source, false);
  }

  /** Like {@link #add(Source)}; a source added {@code suspended} is not reconciled until resumed. */
  public void add(Source source, boolean suspended) {
    SourceEntry entry = new SourceEntry(source, clock.instant());
    entry.suspended(suspended);
    if (sources.putIfAbsent(source.id(), entry) != null) {
      throw new IllegalArgumentException("source added twice: " + source.id());
    }
    source.watch(() -> enqueueNow(source.id(), "watch"));
    enqueueNow(source.id(), "added");
  }

  /** Stops handling a source (its sandboxes stay as they are) and closes it. */
  public void remove(String sourceId) {
    SourceEntry entry = sources.remove(sourceId);
    if (entry != null) {
      entry.source.close();
    }
  }

  /** Starts the workers. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    for (int i = 0; i < options.workers(); i++) {
      Thread t = new Thread(this::work, "sbx-controller-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /** Fetches and reconciles {@code sourceId} now, skipping any backoff ({@code sbx reconcile}); false if unknown. */
  public boolean trigger(String sourceId) {
    return enqueueNow(sourceId, "trigger");
  }

  /** Like {@link #trigger(String)}, naming why in the {@code Triggered} event ({@code webhook}, ...). */
  public boolean trigger(String sourceId, String why) {
    return enqueueNow(sourceId, why);
  }

  /**
   * A webhook push: triggers every source (not suspended) that follows the pushed repository and
   * ref; returns their ids. Fits {@code WebhookReceiver.start(..., controller::trigger)}.
   */
  public List<String> trigger(PushEvent push) {
    List<String> ids = new ArrayList<>();
    for (SourceEntry e : sources.values()) {
      if (!e.suspended() && push.concerns(e.source)) {
        ids.add(e.source.id());
        enqueueNow(e.source.id(), "webhook");
      }
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  public void suspendSource(String sourceId) {
    SourceEntry e = entry(sourceId);
    e.suspended(true);
    emit(new ControllerEvent.SuspendChanged(clock.instant(), "source", sourceId, true));
  }

  public void resumeSource(String sourceId) {
    SourceEntry e = entry(sourceId);
    e.suspended(false);
    emit(new ControllerEvent.SuspendChanged(clock.instant(), "source", sourceId, false));
    enqueueNow(sourceId, "resume");
  }

  /** Leaves sandbox {@code name} as it is whatever its source says, until resumed. */
  public void suspendSandbox(String name) {
    suspendedSandboxes.add(name);
    sandboxes.computeIfPresent(name, (k, s) -> new SandboxStatus(s.name(), s.sourceId(), SandboxStatus.State.SUSPENDED,
        s.drift(), true, s.lastChange(), s.message(), clock.instant()));
    emit(new ControllerEvent.SuspendChanged(clock.instant(), "sandbox", name, true));
  }

  public void resumeSandbox(String name) {
    suspendedSandboxes.remove(name);
    emit(new ControllerEvent.SuspendChanged(clock.instant(), "sandbox", name, false));
    sources.keySet().forEach(id -> enqueueNow(id, "resume"));
  }

  /** Keys waiting in the work queue (for the queue-depth metric). */
  public int queueDepth() {
    return queue.readyCount();
  }

  /** A consistent-enough copy of every source's and sandbox's status. */
  public ControllerStatus status() {
    List<SourceStatus> out = new ArrayList<>();
    sources.values().forEach(e -> out.add(e.status()));
    out.sort(Comparator.comparing(SourceStatus::sourceId));
    return new ControllerStatus(out, new ArrayList<>(sandboxes.values()));
  }

  @Override
  public void close() {
    running = false;
    queue.shutdown();
    for (Thread t : workers) {
      t.interrupt();
    }
    for (Thread t : workers) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    sources.values().forEach(e -> e.source.close());
  }

  private SourceEntry entry(String sourceId) {
    SourceEntry e = sources.get(sourceId);
    if (e == null) {
      throw new IllegalArgumentException("no source " + sourceId);
    }
    return e;
  }

  private boolean enqueueNow(String sourceId, String why) {
    if (!sources.containsKey(sourceId)) {
      return false;
    }
    emit(new ControllerEvent.Triggered(clock.instant(), sourceId, why));
    queue.add(sourceId);
    return true;
  }

  private void work() {
    while (running) {
      String key;
      try {
        key = queue.take(Duration.ofSeconds(1)).orElse(null);
        if (key == null) {
          continue;
        }
      } catch (InterruptedException e) {
        return;
      }
      try {
        rateLimit.acquire();
        SourceEntry entry = sources.get(key);
        if (entry != null && !entry.suspended()) {
          reconcile(entry).ifPresent(d -> queue.addAfter(key, d));
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | Error e) {
        // a bug in a source, the compiler or the core: report it and retry with backoff
        SourceEntry entry = sources.get(key);
        if (entry != null) {
          Duration retry = options.backoff().delay(entry.failed(), random);
          emit(new ControllerEvent.ReconcileFailed(clock.instant(), key, "", "InternalError",
              e.getClass().getSimpleName() + ": " + e.getMessage(), retry));
          queue.addAfter(key, retry);
        }
      } finally {
        queue.done(key);
      }
    }
  }

  /** One pass over one source; returns when to come back. */
  private java.util.Optional<Duration> reconcile(SourceEntry entry) {
    String id = entry.source.id();
    Instant start = clock.instant();
    condition(entry, Condition.RECONCILING, Condition.Status.TRUE, "Progressing", "fetching");

    SourceSnapshot snapshot;
    try {
      snapshot = entry.source.fetch();
    } catch (SourceException e) {
      Duration backoff = options.backoff().delay(entry.failed(), random);
      Duration next = entry.source.nextFetchIn();
      Duration retry = next.compareTo(backoff) < 0 ? next : backoff; // a git source backs off itself; a directory needs ours
      String kept = entry.lastAppliedRevision().isEmpty() ? "" : "; keeping revision " + entry.lastAppliedRevision();
      condition(entry, Condition.STALLED, Condition.Status.TRUE, e.reason(), e.getMessage() + kept);
      condition(entry, Condition.READY, Condition.Status.FALSE, e.reason(), e.getMessage() + kept);
      clear(entry, Condition.RECONCILING);
      emit(new ControllerEvent.FetchFailed(clock.instant(), id, e.reason(), e.getMessage(), retry));
      return java.util.Optional.of(retry);
    }
    boolean changed = entry.fetched(snapshot);
    emit(new ControllerEvent.Fetched(clock.instant(), id, snapshot.revision(), changed));
    String revision = snapshot.revision();

    DesiredState desired;
    try {
      desired = compiler.apply(snapshot);
      if (!desired.source().id().equals(id)) {
        throw new IllegalStateException("the compiler named source " + desired.source().id() + " for " + id);
      }
    } catch (RuntimeException e) {
      entry.attempted(revision);
      entry.failed();
      Duration retry = entry.source.nextFetchIn();
      String message = "revision " + revision + ": " + e.getMessage();
      condition(entry, Condition.STALLED, Condition.Status.TRUE, "BuildFailed", message);
      condition(entry, Condition.READY, Condition.Status.FALSE, "BuildFailed", message);
      clear(entry, Condition.RECONCILING);
      emit(new ControllerEvent.ReconcileFailed(clock.instant(), id, revision, "BuildFailed", message, retry));
      return java.util.Optional.of(retry);
    }

    condition(entry, Condition.RECONCILING, Condition.Status.TRUE, "Progressing", "applying revision " + revision);
    ApplyResult result;
    try {
      result = apply(desired);
    } catch (RuntimeException e) {
      // observe failed, the state lock is held, or the world moved between plan and apply
      return java.util.Optional.of(applyFailed(entry, revision, reasonOf(e), e.getMessage(), false));
    }
    updateSandboxes(id, result);
    if (!result.succeeded()) {
      SandboxResult first = result.failures().get(0);
      boolean permanent = result.failures().stream()
          .allMatch(f -> f.failureKind().map(k -> k != ActuatorException.Kind.TRANSIENT).orElse(false));
      String message = result.failures().size() + " sandbox(es) failed; " + first.sandbox() + ": " + first.message();
      return java.util.Optional.of(applyFailed(entry, revision, "ReconciliationFailed", message, permanent));
    }
    entry.applied(revision);
    entry.succeeded();
    String note = desired.loadSucceeded() ? "" : " (partial load, nothing pruned: " + desired.loadErrors().get(0) + ")";
    condition(entry, Condition.READY, desired.loadSucceeded() ? Condition.Status.TRUE : Condition.Status.FALSE,
        desired.loadSucceeded() ? "ReconciliationSucceeded" : "PartialLoad", "Applied revision: " + revision + note);
    clear(entry, Condition.STALLED);
    clear(entry, Condition.RECONCILING);
    Map<ChangeKind, Integer> counts = result.plan().counts();
    emit(new ControllerEvent.Reconciled(clock.instant(), id, revision, counts, result.plan().hasDrift(),
        Duration.between(start, clock.instant())));
    return java.util.Optional.of(entry.source.nextFetchIn());
  }

  private ApplyResult apply(DesiredState desired) {
    if (suspendedSandboxes.isEmpty()) {
      return reconciler.apply(desired, options.plan(), options.apply());
    }
    Plan plan = reconciler.plan(desired, options.plan());
    List<Change> kept = plan.changes().stream().filter(c -> !suspendedSandboxes.contains(c.sandbox())).toList();
    Plan filtered = new Plan(plan.formatVersion(), plan.source(), plan.desiredFingerprint(), plan.observedFingerprint(),
        plan.options(), kept, plan.warnings());
    return reconciler.apply(filtered, options.apply());
  }

  private Duration applyFailed(SourceEntry entry, String revision, String reason, String message, boolean stalled) {
    entry.attempted(revision);
    Duration retry = options.backoff().delay(entry.failed(), random);
    if (stalled) {
      condition(entry, Condition.STALLED, Condition.Status.TRUE, reason, message);
    }
    condition(entry, Condition.READY, Condition.Status.FALSE, reason, message);
    clear(entry, Condition.RECONCILING);
    emit(new ControllerEvent.ReconcileFailed(clock.instant(), entry.source.id(), revision, reason, message, retry));
    return retry;
  }

  private static String reasonOf(RuntimeException e) {
    String name = e.getClass().getSimpleName();
    return switch (name) {
      case "LockHeldException" -> "StateLocked";
      case "StalePlanException" -> "WorldChanged";
      case "ActuatorException" -> "ObserveFailed";
      default -> "ReconciliationFailed";
    };
  }

  private void updateSandboxes(String sourceId, ApplyResult result) {
    Instant now = clock.instant();
    Map<String, SandboxResult> byName = new ConcurrentHashMap<>();
    result.results().forEach(r -> byName.put(r.sandbox(), r));
    for (Change c : result.plan().changes()) {
      SandboxResult r = byName.get(c.sandbox());
      SandboxStatus.State state;
      String message = "";
      if (r == null) {
        state = SandboxStatus.State.IN_SYNC;
      } else if (r.status() == SandboxResult.Status.FAILED) {
        state = SandboxStatus.State.FAILED;
        message = r.message();
      } else if (c.kind() == ChangeKind.DELETE) {
        state = SandboxStatus.State.DELETED;
      } else if (r.status() == SandboxResult.Status.APPLIED) {
        state = SandboxStatus.State.UPDATED;
      } else {
        state = SandboxStatus.State.IN_SYNC;
      }
      sandboxes.put(c.sandbox(), new SandboxStatus(c.sandbox(), sourceId, state, c.drift(), false,
          c.kind().jsonName(), message, now));
    }
    for (String name : suspendedSandboxes) {
      sandboxes.computeIfPresent(name, (k, s) -> new SandboxStatus(s.name(), s.sourceId(), SandboxStatus.State.SUSPENDED,
          s.drift(), true, s.lastChange(), s.message(), s.updatedAt()));
    }
  }

  private void condition(SourceEntry entry, String type, Condition.Status status, String reason, String message) {
    entry.set(type, status, reason, message, clock.instant(),
        c -> emit(new ControllerEvent.ConditionChanged(clock.instant(), entry.source.id(), c)));
  }

  private void clear(SourceEntry entry, String type) {
    entry.clear(type, clock.instant(), c -> emit(new ControllerEvent.ConditionChanged(clock.instant(), entry.source.id(), c)));
  }

  private void emit(ControllerEvent event) {
    try {
      listener.on(event);
    } catch (RuntimeException e) {
      // a listener's failure must not stop the loop
    }
  }
}

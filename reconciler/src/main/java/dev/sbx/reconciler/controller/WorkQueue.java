package dev.sbx.reconciler.controller;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A de-duplicating work queue in the manner of client-go's: a key is queued at most once, and a
 * key being processed is never handed out again until {@link #done} — an {@link #add} meanwhile
 * marks it dirty, and it is queued again when the worker is done, so the last event is never lost.
 * {@link #addAfter} schedules a key (the earliest of several schedules wins); an {@link #add}
 * replaces a pending schedule (a new event skips the backoff).
 */
public final class WorkQueue<K> {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final LinkedHashSet<K> ready = new LinkedHashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Set<K> dirty = new HashSet<>();
  private final Map<K, Long> scheduled = new HashMap<>();
  private final LongSupplier nanoTime;
  private boolean shutDown;

  public WorkQueue() {
    this(System::nanoTime);
  }

  WorkQueue(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Queues {@code key} now (or marks it dirty while it is processed). */
  public void add(K key) {
    lock.lock();
    try {
      scheduled.remove(key);
      enqueue(key);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Queues {@code key} after {@code delay}, unless it is queued already or queued sooner. */
  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    lock.lock();
    try {
      if (ready.contains(key) || dirty.contains(key)) {
        return;
      }
      long due = nanoTime.getAsLong() + delay.toNanos();
      scheduled.merge(key, due, Math::min);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next key to process, waiting up to {@code timeout}; empty on timeout or shutdown. The caller
   * must call {@link #done} with it.
   */
  public Optional<K> take(Duration timeout) throws InterruptedException {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    lock.lock();
    try {
      while (!shutDown) {
        long now = nanoTime.getAsLong();
        long nextDue = promoteDue(now);
        var it = ready.iterator();
        if (it.hasNext()) {
          K key = it.next();
          it.remove();
          processing.add(key);
          return Optional.of(key);
        }
        long wait = Math.min(deadline, nextDue) - now;
        if (deadline - now <= 0) {
          return Optional.empty();
        }
        changed.awaitNanos(Math.max(wait, 1_000));
      }
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** Marks {@code key} processed; queues it again if it was added meanwhile. */
  public void done(K key) {
    lock.lock();
    try {
      if (!processing.remove(key)) {
        throw new IllegalStateException("done without take: " + key);
      }
      if (dirty.remove(key)) {
        ready.add(key);
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every taker; they then get empty. */
  public void shutdown() {
    lock.lock();
    try {
      shutDown = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Keys ready to be taken now (not scheduled for later, not being processed): the queue depth. */
  public int readyCount() {
    lock.lock();
    try {
      return ready.size();
    } finally {
      lock.unlock();
    }
  }

  /** Keys queued or scheduled or being processed (for status and tests). */
  public int size() {
    lock.lock();
    try {
      Set<K> all = new HashSet<>(ready);
      all.addAll(processing);
      all.addAll(dirty);
      all.addAll(scheduled.keySet());
      return all.size();
    } finally {
      lock.unlock();
    }
  }

  private void enqueue(K key) {
    if (processing.contains(key)) {
      dirty.add(key);
    } else {
      ready.add(key);
    }
  }

  /** Moves due schedules into the queue; returns when the next schedule is due (or far away). */
  private long promoteDue(long now) {
    long next = now + TimeUnit.HOURS.toNanos(1);
    var it = scheduled.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getValue() - now <= 0) {
        it.remove();
        enqueue(e.getKey());
      } else if (e.getValue() - next < 0) {
        next = e.getValue();
      }
    }
    return next;
  }
}

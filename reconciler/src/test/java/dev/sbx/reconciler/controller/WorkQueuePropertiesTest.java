package dev.sbx.reconciler.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The work queue's contract under real threads: for random sequences of events (immediate and
 * delayed adds over a few keys, from two producers, with three workers), no key is ever processed
 * by two workers at once, and every key's last event is processed (a processing that starts after
 * it).
 */
class WorkQueuePropertiesTest {
  static final int KEYS = 4;

  record Event(int key, int delayMillis, int producer) {}

  @Provide
  Arbitrary<List<Event>> events() {
    Arbitrary<Event> e = Combinators.combine(
        Arbitraries.integers().between(0, KEYS - 1),
        Arbitraries.integers().between(0, 3).map(d -> d == 3 ? 2 : 0),
        Arbitraries.integers().between(0, 1)).as(Event::new);
    return e.list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 60)
  void noKeyConcurrentlyAndLastEventProcessed(@ForAll("events") List<Event> events,
      @ForAll @IntRange(min = 0, max = 2) int workMillis) throws Exception {
    WorkQueue<Integer> queue = new WorkQueue<>();
    AtomicIntegerArray latest = new AtomicIntegerArray(KEYS);
    AtomicIntegerArray processedUpTo = new AtomicIntegerArray(KEYS);
    AtomicIntegerArray active = new AtomicIntegerArray(KEYS);
    AtomicBoolean overlap = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();

    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          Integer key;
          try {
            key = queue.take(Duration.ofMillis(20)).orElse(null);
          } catch (InterruptedException e) {
            return;
          }
          if (key == null) {
            continue;
          }
          if (active.incrementAndGet(key) > 1) {
            overlap.set(true);
          }
          processedUpTo.accumulateAndGet(key, latest.get(key), Math::max);
          try {
            Thread.sleep(workMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          active.decrementAndGet(key);
          queue.done(key);
        }
      });
      t.start();
      workers.add(t);
    }
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      int producer = p;
      Thread t = new Thread(() -> {
        for (Event e : events) {
          if (e.producer() != producer) {
            continue;
          }
          latest.incrementAndGet(e.key());
          if (e.delayMillis() == 0) {
            queue.add(e.key());
          } else {
            queue.addAfter(e.key(), Duration.ofMillis(e.delayMillis()));
          }
        }
      });
      t.start();
      producers.add(t);
    }
    for (Thread t : producers) {
      t.join();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!allProcessed(latest, processedUpTo) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    stop.set(true);
    queue.shutdown();
    for (Thread t : workers) {
      t.join();
    }
    assertEquals(false, overlap.get(), "a key was processed by two workers at once");
    for (int k = 0; k < KEYS; k++) {
      assertEquals(latest.get(k), processedUpTo.get(k), "key " + k + ": its last event was not processed");
    }
  }

  private static boolean allProcessed(AtomicIntegerArray latest, AtomicIntegerArray processed) {
    for (int k = 0; k < KEYS; k++) {
      if (processed.get(k) != latest.get(k)) {
        return false;
      }
    }
    return true;
  }
}

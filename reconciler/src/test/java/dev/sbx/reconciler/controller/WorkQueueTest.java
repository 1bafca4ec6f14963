package dev.sbx.reconciler.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  final AtomicLong now = new AtomicLong();
  final WorkQueue<String> q = new WorkQueue<>(now::get);

  @Test
  void holdsAKeyOnce() throws Exception {
    q.add("a");
    q.add("a");
    q.add("b");
    assertEquals(Optional.of("a"), q.take(Duration.ZERO));
    assertEquals(Optional.of("b"), q.take(Duration.ZERO));
    assertEquals(Optional.empty(), q.take(Duration.ZERO));
  }

  @Test
  void anAddWhileProcessingRunsOnceMoreAfterDone() throws Exception {
    q.add("a");
    assertEquals(Optional.of("a"), q.take(Duration.ZERO));
    q.add("a");
    q.add("a");
    assertEquals(Optional.empty(), q.take(Duration.ZERO), "not handed out while processed");
    q.done("a");
    assertEquals(Optional.of("a"), q.take(Duration.ZERO));
    q.done("a");
    assertEquals(Optional.empty(), q.take(Duration.ZERO));
  }

  @Test
  void delayedAddsWaitTheEarliestWinsAndAnAddSkipsTheDelay() throws Exception {
    q.addAfter("a", Duration.ofSeconds(10));
    q.addAfter("a", Duration.ofSeconds(5));
    assertEquals(Optional.empty(), q.take(Duration.ZERO));
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertEquals(Optional.of("a"), q.take(Duration.ZERO));
    q.done("a");

    q.addAfter("b", Duration.ofHours(1));
    q.add("b");
    assertEquals(Optional.of("b"), q.take(Duration.ZERO), "a new event skips the backoff");
    q.done("b");
    now.addAndGet(Duration.ofHours(2).toNanos());
    assertEquals(Optional.empty(), q.take(Duration.ZERO), "the replaced schedule is gone");
  }

  @Test
  void doneWithoutTakeIsABug() {
    assertThrows(IllegalStateException.class, () -> q.done("x"));
  }

  @Test
  void shutdownWakesTakers() throws Exception {
    WorkQueue<String> real = new WorkQueue<>();
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
      real.shutdown();
    });
    t.start();
    long start = System.nanoTime();
    assertEquals(Optional.empty(), real.take(Duration.ofSeconds(30)));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
    t.join();
  }
}

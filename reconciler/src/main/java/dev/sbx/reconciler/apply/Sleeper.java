package dev.sbx.reconciler.apply;

import java.time.Duration;

/** Waits between retries; tests pass one that records the delays instead of waiting. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = d -> {
    try {
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  };

  void sleep(Duration d);
}

package dev.sbx.reconciler.controller;

/**
 * The global rate limit of the controller: at most {@code burst} reconciles at once, refilled at
 * {@code perSecond}. Keeps a storm of events (a push touching every source) from hammering the
 * runtime; per-key backoff is separate.
 */
final class TokenBucket {
  private final double perSecond;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(double perSecond, int burst) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs perSecond > 0 and burst >= 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.last = System.nanoTime();
  }

  /** Waits for a token. */
  void acquire() throws InterruptedException {
    while (true) {
      long waitNanos;
      synchronized (this) {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        waitNanos = (long) ((1 - tokens) / perSecond * 1e9);
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.max(1_000, waitNanos));
    }
  }
}

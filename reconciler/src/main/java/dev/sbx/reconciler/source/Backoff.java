package dev.sbx.reconciler.source;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * An exponential backoff policy: {@code initial} doubled (by {@code factor}) per consecutive
 * failure up to {@code max}, then spread by ±{@code jitter} (0..1) so many sources failing together
 * do not retry in step. Pure: the failure count lives with the caller (policy apart from state).
 */
public record Backoff(Duration initial, Duration max, double factor, double jitter) {
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || max.compareTo(initial) < 0 || factor < 1 || jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("backoff needs 0 <= initial <= max, factor >= 1, 0 <= jitter < 1");
    }
  }

  /** The delay before retry number {@code failures} (1 = after the first failure). */
  public Duration delay(int failures, RandomGenerator random) {
    double millis = initial.toMillis() * Math.pow(factor, Math.max(0, failures - 1));
    millis = Math.min(millis, max.toMillis());
    return spread(Duration.ofMillis((long) millis), jitter, random);
  }

  /** {@code base} moved by a random amount within ±{@code jitter} of itself. */
  public static Duration spread(Duration base, double jitter, RandomGenerator random) {
    if (jitter == 0 || base.isZero()) {
      return base;
    }
    double f = 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofMillis(Math.max(0, (long) (base.toMillis() * f)));
  }
}

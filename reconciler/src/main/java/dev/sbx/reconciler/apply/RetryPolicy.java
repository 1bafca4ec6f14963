package dev.sbx.reconciler.apply;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How transient faults are retried: exponential backoff from {@code initialDelay}, times {@code
 * multiplier} per attempt, capped at {@code maxDelay}, each delay spread by ±{@code jitter} (a
 * fraction) so that many sandboxes do not retry in step. The policy is a value; each action gets its
 * own {@link RetryState}.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (multiplier < 1 || jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("multiplier must be >= 1 and jitter in [0, 1)");
    }
  }

  /** 5 attempts, 200 ms doubling to at most 10 s, ±20 % jitter. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(200), 2.0, Duration.ofSeconds(10), 0.2);
  }

  /** No retries at all. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, 0);
  }

  public RetryState start(RandomGenerator random) {
    return new RetryState(this, random);
  }

  /** Retry state of one action: {@link #nextDelay()} is empty once the attempts are spent. */
  public static final class RetryState {
    private final RetryPolicy policy;
    private final RandomGenerator random;
    private int failures;

    RetryState(RetryPolicy policy, RandomGenerator random) {
      this.policy = policy;
      this.random = random;
    }

    public Optional<Duration> nextDelay() {
      failures++;
      if (failures >= policy.maxAttempts()) {
        return Optional.empty();
      }
      double base = policy.initialDelay().toNanos() * Math.pow(policy.multiplier(), failures - 1);
      double capped = Math.min(base, policy.maxDelay().toNanos());
      double spread = 1 + policy.jitter() * (2 * random.nextDouble() - 1);
      return Optional.of(Duration.ofNanos((long) (capped * spread)));
    }

    public int attempts() {
      return failures + 1;
    }
  }
}

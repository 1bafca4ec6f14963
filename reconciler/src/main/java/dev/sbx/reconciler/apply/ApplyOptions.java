package dev.sbx.reconciler.apply;

import java.time.Duration;
import java.util.Objects;

/**
 * Apply switches: {@code command} is recorded in the lock file so a waiting sbx can say who holds
 * it; {@code lockTimeout} is how long to wait for the state lock and each sandbox lock.
 */
public record ApplyOptions(String command, Duration lockTimeout, RetryPolicy retry) {
  public ApplyOptions {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    Objects.requireNonNull(retry, "retry");
  }

  public static ApplyOptions defaults(String command) {
    return new ApplyOptions(command, Duration.ZERO, RetryPolicy.defaults());
  }
}

package dev.sbx.reconciler.controller;

import dev.sbx.reconciler.apply.ApplyOptions;
import dev.sbx.reconciler.apply.RetryPolicy;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.source.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How the controller runs: {@code workers} threads (one key is never processed by two), the
 * {@code backoff} after a failed reconcile (per key; success resets it, a new event skips it), the
 * global rate limit ({@code ratePerSecond}, {@code burst}), and the plan and apply options
 * ({@code prune} on by default: the controller owns its sources' sandboxes).
 */
public record ControllerOptions(
    int workers, Backoff backoff, double ratePerSecond, int burst, PlanOptions plan, ApplyOptions apply) {
  public ControllerOptions {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1");
    }
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(apply, "apply");
  }

  /** 2 workers; backoff 1 s doubling to 5 min ±20 %; 10 reconciles/s, burst 20; prune; lock wait 30 s. */
  public static ControllerOptions defaults() {
    return new ControllerOptions(2, new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 2, 0.2), 10, 20,
        PlanOptions.pruning(), new ApplyOptions("sbx daemon", Duration.ofSeconds(30), RetryPolicy.defaults()));
  }

  public ControllerOptions withBackoff(Backoff b) {
    return new ControllerOptions(workers, b, ratePerSecond, burst, plan, apply);
  }

  public ControllerOptions withApply(ApplyOptions a) {
    return new ControllerOptions(workers, backoff, ratePerSecond, burst, plan, a);
  }

  public ControllerOptions withWorkers(int w) {
    return new ControllerOptions(w, backoff, ratePerSecond, burst, plan, apply);
  }
}

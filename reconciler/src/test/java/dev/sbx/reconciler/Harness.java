package dev.sbx.reconciler;

import dev.sbx.reconciler.actuator.memory.InMemoryWorld;
import dev.sbx.reconciler.apply.ApplyOptions;
import dev.sbx.reconciler.apply.ApplyResult;
import dev.sbx.reconciler.apply.RetryPolicy;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.event.ReconcileEvent;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.state.StateDirectory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An in-memory world, a real state directory and a reconciler over them. {@link #restart()} gives
 * a fresh reconciler over the same state directory and world, as after a crash.
 */
public final class Harness {
  public final InMemoryWorld world = new InMemoryWorld();
  public final Path stateDir;
  public final List<ReconcileEvent> events = new ArrayList<>();
  public final List<Duration> sleeps = new ArrayList<>();
  public Reconciler reconciler;

  public Harness(Path stateDir) {
    this.stateDir = stateDir;
    restart();
  }

  public Harness restart() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
    reconciler = new Reconciler(world.actuators(), new StateDirectory(stateDir, clock), events::add, clock,
        sleeps::add, new SplittableRandom(42));
    return this;
  }

  public StateDirectory state() {
    return new StateDirectory(stateDir, Clock.systemUTC());
  }

  public static ApplyOptions options() {
    return new ApplyOptions("sbx apply -f test", Duration.ZERO,
        new RetryPolicy(4, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0));
  }

  public ApplyResult apply(DesiredState desired) {
    return reconciler.apply(desired, PlanOptions.defaults(), options());
  }

  public ApplyResult apply(DesiredState desired, PlanOptions planOptions) {
    return reconciler.apply(desired, planOptions, options());
  }

  public Plan plan(DesiredState desired) {
    return reconciler.plan(desired, PlanOptions.defaults());
  }

  public Plan plan(DesiredState desired, PlanOptions options) {
    return reconciler.plan(desired, options);
  }
}

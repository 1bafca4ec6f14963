package dev.sbx.reconciler.controller;

import dev.sbx.reconciler.Reconciler;
import dev.sbx.reconciler.actuator.memory.InMemoryWorld;
import dev.sbx.reconciler.apply.ApplyOptions;
import dev.sbx.reconciler.apply.RetryPolicy;
import dev.sbx.reconciler.gitops.Await;
import dev.sbx.reconciler.gitops.PropertiesCompiler;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.source.Backoff;
import dev.sbx.reconciler.state.StateDirectory;
import dev.sbx.reconciler.status.SourceStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A controller over an in-memory world, a real state directory and the test compiler. */
final class ControllerFixture implements AutoCloseable {
  final InMemoryWorld world;
  final List<ControllerEvent> events = new CopyOnWriteArrayList<>();
  final Controller controller;

  ControllerFixture(Path stateDir) {
    this(stateDir, new InMemoryWorld());
  }

  /** A fresh controller (as after a daemon restart) over an existing world and state directory. */
  ControllerFixture(Path stateDir, InMemoryWorld world) {
    this.world = world;
    Reconciler reconciler = new Reconciler(world.actuators(), new StateDirectory(stateDir, Clock.systemUTC()), e -> {});
    ControllerOptions options = new ControllerOptions(2, new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), 2, 0),
        100, 50, PlanOptions.pruning(),
        new ApplyOptions("sbx daemon (test)", Duration.ofSeconds(10),
            new RetryPolicy(2, Duration.ofMillis(10), 2.0, Duration.ofMillis(50), 0.0)));
    controller = new Controller(reconciler, new PropertiesCompiler(), options, events::add, Clock.systemUTC());
  }

  SourceStatus status(String id) {
    return controller.status().source(id).orElseThrow();
  }

  void awaitSource(String id, Predicate<SourceStatus> p, String what) {
    Await.until(Duration.ofSeconds(30), () -> p.test(status(id)), () -> what + "; status: " + status(id));
  }

  long count(Class<? extends ControllerEvent> type) {
    return events.stream().filter(type::isInstance).count();
  }

  long triggers(String why) {
    return events.stream().filter(e -> e instanceof ControllerEvent.Triggered t && t.why().equals(why)).count();
  }

  @Override
  public void close() {
    controller.close();
  }
}

package dev.sbx.reconciler.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.source.Source;
import dev.sbx.reconciler.source.SourceException;
import dev.sbx.reconciler.source.SourceSnapshot;
import dev.sbx.reconciler.status.Condition;
import dev.sbx.reconciler.status.SandboxStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's rules with a scripted source (no watcher, no git) and the in-memory world. */
class ControllerTest {
  @TempDir Path tmp;
  ControllerFixture f;
  ScriptedSource source;

  /** A source whose revision is set by the test; it can be told to fail. */
  static final class ScriptedSource implements Source {
    final Path dir;
    volatile String revision = "r1";
    volatile String failWith;
    volatile int fetches;

    ScriptedSource(Path dir) {
      this.dir = dir;
    }

    @Override
    public String id() {
      return "test:scripted";
    }

    @Override
    public SourceSnapshot fetch() throws SourceException {
      fetches++;
      if (failWith != null) {
        throw new SourceException(failWith, "scripted failure");
      }
      return new SourceSnapshot(id(), dir, revision, Instant.now());
    }

    @Override
    public Duration nextFetchIn() {
      return Duration.ofHours(1);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    f = new ControllerFixture(tmp.resolve("state"));
    Files.createDirectories(tmp.resolve("src/sandboxes"));
    source = new ScriptedSource(tmp.resolve("src"));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  void write(String name, String content, String revision) throws Exception {
    Files.writeString(tmp.resolve("src/sandboxes/" + name + ".properties"), content);
    source.revision = revision;
  }

  void awaitApplied(String revision) {
    f.awaitSource(source.id(), s -> s.lastAppliedRevision().equals(revision) && s.ready(), "applied " + revision);
  }

  @Test
  void aSuspendedSandboxIsNeitherUpdatedNorPruned() throws Exception {
    write("web", "allow=a.example.com:443\n", "r1");
    write("api", "allow=b.example.com:443\n", "r1");
    f.controller.add(source);
    f.controller.start();
    awaitApplied("r1");

    f.controller.suspendSandbox("web");
    write("web", "allow=c.example.com:443\n", "r2");
    Files.delete(tmp.resolve("src/sandboxes/api.properties"));
    f.controller.trigger(source.id());
    awaitApplied("r2");
    assertEquals(List.of("a.example.com:443"), f.world.rules("web").orElseThrow().allow(), "suspended: left as it is");
    assertTrue(f.world.vm("api").isEmpty(), "others go on");
    assertEquals(SandboxStatus.State.SUSPENDED, f.controller.status().sandbox("web").orElseThrow().state());

    f.controller.resumeSandbox("web");
    f.awaitSource(source.id(), s -> f.world.rules("web").orElseThrow().allow().equals(List.of("c.example.com:443")),
        "resumed sandbox catches up");
  }

  @Test
  void failedApplyIsRetriedWithBackoffAndSuccessResetsIt() throws Exception {
    write("web", "allow=a.example.com:443\n", "r1");
    f.world.faults().fail("runtime.create", "web", ActuatorException.Kind.PERMANENT, 3);
    f.controller.add(source);
    f.controller.start();
    f.awaitSource(source.id(), s -> s.condition(Condition.READY).map(c -> c.reason().equals("ReconciliationFailed"))
        .orElse(false), "failure shown");
    awaitApplied("r1"); // retried by the backoff until the faults are spent
    List<Duration> retries = f.events.stream()
        .filter(e -> e instanceof ControllerEvent.ReconcileFailed).map(e -> ((ControllerEvent.ReconcileFailed) e).retryIn())
        .toList();
    assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)), retries);
    assertTrue(f.status(source.id()).condition(Condition.STALLED).isEmpty(), "success clears Stalled");
    assertEquals(SandboxStatus.State.UPDATED, f.controller.status().sandbox("web").orElseThrow().state());
  }

  @Test
  void fetchFailureStallsWithTheSourceReasonAndChangesNothing() throws Exception {
    write("web", "allow=a.example.com:443\n", "r1");
    f.controller.add(source);
    f.controller.start();
    awaitApplied("r1");
    String world = f.world.snapshot();
    source.failWith = "FetchFailed";
    Files.delete(tmp.resolve("src/sandboxes/web.properties"));
    f.controller.trigger(source.id());
    f.awaitSource(source.id(), s -> s.stalled(), "stalled");
    assertEquals("FetchFailed", f.status(source.id()).condition(Condition.STALLED).orElseThrow().reason());
    assertEquals(world, f.world.snapshot());
    assertEquals("r1", f.status(source.id()).lastAppliedRevision());
  }

  @Test
  void driftIsCorrectedOnTheNextPassAndShownInStatus() throws Exception {
    write("web", "allow=a.example.com:443\n", "r1");
    f.controller.add(source);
    f.controller.start();
    awaitApplied("r1");
    f.world.putRules("web", new dev.sbx.reconciler.desired.EgressSpec("allow-all", List.of(), List.of()));
    f.controller.trigger(source.id());
    dev.sbx.reconciler.gitops.Await.until(Duration.ofSeconds(30),
        () -> f.events.stream().anyMatch(e -> e instanceof ControllerEvent.Reconciled r && r.drift()),
        () -> "a pass that found drift");
    assertEquals("deny-all", f.world.rules("web").orElseThrow().defaultMode(), "drift corrected");
    assertTrue(f.controller.status().sandbox("web").orElseThrow().drift());
  }

  @Test
  void aNewEventSkipsTheBackoff() throws Exception {
    write("web", "allow=a.example.com:443\n", "r1");
    source.failWith = "FetchFailed";
    f.controller.add(source);
    f.controller.start();
    f.awaitSource(source.id(), s -> s.stalled(), "stalled");
    // the scripted source asks for an hour between fetches; a trigger fetches now
    source.failWith = null;
    f.controller.trigger(source.id());
    awaitApplied("r1");
  }

  @Test
  void aControllerStartedAfterACrashMidApplyConvergesWithoutDuplicateOrOrphan() throws Exception {
    write("web", "allow=a.example.com:443\n", "r1");
    f.world.faults().crashAfter("runtime.create", "web"); // the process "dies" right after the VM was made
    f.controller.add(source);
    f.controller.start();
    dev.sbx.reconciler.gitops.Await.until(Duration.ofSeconds(30),
        () -> f.events.stream().anyMatch(e -> e instanceof ControllerEvent.ReconcileFailed r
            && r.reason().equals("InternalError")),
        () -> "the crash surfaced");
    f.controller.close();

    try (ControllerFixture restarted = new ControllerFixture(tmp.resolve("state"), f.world)) {
      ScriptedSource again = new ScriptedSource(tmp.resolve("src"));
      restarted.controller.add(again);
      restarted.controller.start();
      restarted.awaitSource(again.id(), s -> s.lastAppliedRevision().equals("r1") && s.ready(), "converged after restart");
      assertEquals(1, restarted.world.vms().size(), "no duplicate VM");
      assertEquals(1, restarted.world.calls("runtime.create"), "the VM made before the crash was adopted");
      assertEquals(List.of("a.example.com:443"), restarted.world.rules("web").orElseThrow().allow());
    }
  }
}

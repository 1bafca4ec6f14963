package dev.sbx.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.api.SandboxState;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's data and actions through the real local API of an in-process daemon. */
class DaemonDashboardSourceTest {
  @TempDir Path tmp;
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private DaemonDashboardSource source(Path state) {
    return new DaemonDashboardSource(state, Clock.fixed(NOW, ZoneOffset.UTC),
        pid -> Optional.of(NOW.minusSeconds(pid - 1000)));
  }

  @Test
  void readsSandboxesSortedWithUptimeAndDoesStopAndRestart() {
    FakeSandboxRuntime vm = new FakeSandboxRuntime();
    vm.create(SandboxSpec.minimal("web").withResources(4, 4096).withOwner("dir:/g", "h"));
    vm.start("web");
    vm.create(SandboxSpec.minimal("api"));
    Path state = tmp.resolve("state");
    try (Daemon daemon = Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(OutputStream.nullOutputStream()), vm)) {
      Snapshot s = source(state).fetch();
      assertTrue(s.problem().isEmpty(), s.toString());
      assertEquals("api", s.sandboxes().get(0).name());
      Snapshot.SandboxRow web = s.sandboxes().get(1);
      assertEquals("running", web.state());
      assertEquals(4, web.cpus());
      assertEquals(4096, web.memoryMib());
      assertEquals("dir:/g", web.owner());
      assertEquals(Optional.of(Duration.ofSeconds(1)), web.uptime(), "the fake's first pid is 1001");
      assertEquals(Optional.empty(), s.sandboxes().get(0).uptime(), "not running: no uptime");
      assertFalse(s.decisionsAvailable(), "memory mode runs no proxy");

      source(state).stop("web");
      assertEquals(SandboxState.STOPPED, vm.inspect("web").orElseThrow().state());
      source(state).restart("web");
      assertEquals(SandboxState.RUNNING, vm.inspect("web").orElseThrow().state());
      DashboardSource.ActionFailed e = assertThrows(DashboardSource.ActionFailed.class,
          () -> source(state).stop("nope"));
      assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
  }

  @Test
  void withoutADaemonTheSnapshotSaysSo() {
    Snapshot s = source(tmp.resolve("none")).fetch();
    assertEquals(Optional.of("No sbx daemon is running for " + tmp.resolve("none") + "."), s.problem());
    assertTrue(s.sandboxes().isEmpty());
  }
}

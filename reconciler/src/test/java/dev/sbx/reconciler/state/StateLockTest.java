package dev.sbx.reconciler.state;

import static dev.sbx.reconciler.Fixtures.sandbox;
import static dev.sbx.reconciler.Fixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.Harness;
import dev.sbx.reconciler.apply.ApplyOptions;
import dev.sbx.reconciler.apply.RetryPolicy;
import dev.sbx.reconciler.plan.PlanOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // locks are held for their blocks
class StateLockTest {
  @TempDir Path dir;

  @Test
  void secondApplyFailsNamingTheHolder() {
    Harness h = new Harness(dir);
    LockHolder other = new LockHolder(4242, "build-7", "sbx apply -f ci/", Instant.parse("2026-11-23T11:00:00Z"));
    try (FileLockGuard held = h.state().lockState(other, Duration.ZERO)) {
      LockHeldException e = assertThrows(LockHeldException.class,
          () -> h.reconciler.apply(state("r1", sandbox("a")), PlanOptions.defaults(),
              new ApplyOptions("sbx apply", Duration.ofMillis(120), RetryPolicy.none())));
      assertEquals(other, e.holder().orElseThrow());
      assertTrue(e.getMessage().contains("pid 4242 on build-7 (sbx apply -f ci/)"), e.getMessage());
    }
    assertTrue(h.world.vms().isEmpty(), "nothing was applied");
  }

  @Test
  void waiterGetsTheLockWhenTheHolderReleasesIt() throws Exception {
    StateDirectory state = new StateDirectory(dir, Clock.systemUTC());
    FileLockGuard held = state.lockState(LockHolder.self("first", Instant.now()), Duration.ZERO);
    CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
      try (FileLockGuard mine = state.lockState(LockHolder.self("second", Instant.now()), Duration.ofSeconds(20))) {
        return FileLockGuard.readHolder(dir.resolve("lock")).orElseThrow().command();
      }
    });
    held.close();
    assertEquals("second", waiter.get(20, TimeUnit.SECONDS));
  }

  @Test
  void sandboxLocksAreIndependent() {
    StateDirectory state = new StateDirectory(dir, Clock.systemUTC());
    LockHolder me = LockHolder.self("test", Instant.now());
    try (FileLockGuard a = state.lockSandbox("a", me, Duration.ZERO);
        FileLockGuard b = state.lockSandbox("b", me, Duration.ZERO)) {
      assertThrows(LockHeldException.class, () -> state.lockSandbox("a", me, Duration.ZERO));
    }
  }
}

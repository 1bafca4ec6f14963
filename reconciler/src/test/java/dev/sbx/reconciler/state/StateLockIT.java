package dev.sbx.reconciler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state lock between two real processes, including one that is killed while holding it. */
@SuppressWarnings("try") // locks are held for their blocks
class StateLockIT {
  @TempDir Path dir;

  private Process child(String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LockHoldingProcess.class.getName(), mode, dir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static String firstLine(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        return null;
      }
    }).get(60, TimeUnit.SECONDS);
  }

  private Process startHolder() throws Exception {
    Process p = child("hold");
    assertEquals("locked", firstLine(p));
    return p;
  }

  @Test
  void retriesAndHolderReadsInThisJvmDoNotReleaseTheOsLock() throws Exception {
    StateDirectory state = new StateDirectory(dir, Clock.systemUTC());
    try (FileLockGuard mine = state.lockState(LockHolder.self("sbx apply", Instant.now()), Duration.ZERO)) {
      // Same JVM: a second attempt and reading the holder must not drop the process's POSIX lock.
      assertThrows(LockHeldException.class,
          () -> state.lockState(LockHolder.self("again", Instant.now()), Duration.ofMillis(100)));
      assertEquals(ProcessHandle.current().pid(), FileLockGuard.readHolder(dir.resolve("lock")).orElseThrow().pid());
      Process probe = child("probe");
      assertEquals("held", firstLine(probe), "another process must still see the lock held");
      assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
    }
    Process probe = child("probe");
    assertEquals("acquired", firstLine(probe));
    assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
  }

  @Test
  void lockHeldByAnotherProcessNamesItsPid() throws Exception {
    Process holder = startHolder();
    try {
      StateDirectory state = new StateDirectory(dir, Clock.systemUTC());
      LockHeldException e = assertThrows(LockHeldException.class,
          () -> state.lockState(LockHolder.self("sbx apply", Instant.now()), Duration.ofMillis(300)));
      assertEquals(holder.pid(), e.holder().orElseThrow().pid());
      assertEquals("sbx apply -f child", e.holder().orElseThrow().command());

      holder.getOutputStream().close(); // the holder finishes and releases the lock
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
      try (FileLockGuard mine = state.lockState(LockHolder.self("sbx apply", Instant.now()), Duration.ofSeconds(10))) {
        assertEquals(ProcessHandle.current().pid(), FileLockGuard.readHolder(dir.resolve("lock")).orElseThrow().pid());
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void killedHolderReleasesTheLock() throws Exception {
    Process holder = startHolder();
    holder.destroyForcibly(); // SIGKILL: no cleanup code runs
    assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    StateDirectory state = new StateDirectory(dir, Clock.systemUTC());
    try (FileLockGuard mine = state.lockState(LockHolder.self("sbx apply", Instant.now()), Duration.ofSeconds(10))) {
      assertEquals(ProcessHandle.current().pid(), FileLockGuard.readHolder(dir.resolve("lock")).orElseThrow().pid());
    }
  }
}

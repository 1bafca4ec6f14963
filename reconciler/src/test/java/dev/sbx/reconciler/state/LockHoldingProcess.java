package dev.sbx.reconciler.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Child process for {@link StateLockIT}. {@code hold DIR}: takes the state lock, prints {@code
 * locked}, holds it until stdin closes. {@code probe DIR}: tries once, prints {@code acquired} or
 * {@code held}.
 */
@SuppressWarnings("try") // locks are held for their blocks
public final class LockHoldingProcess {
  private LockHoldingProcess() {}

  public static void main(String[] args) throws IOException {
    StateDirectory state = new StateDirectory(Path.of(args[1]), Clock.systemUTC());
    if (args[0].equals("probe")) {
      try (FileLockGuard lock = state.lockState(LockHolder.self("probe", Instant.now()), Duration.ZERO)) {
        System.out.println("acquired");
      } catch (LockHeldException e) {
        System.out.println("held");
      }
      return;
    }
    try (FileLockGuard lock = state.lockState(LockHolder.self("sbx apply -f child", Instant.now()), Duration.ofSeconds(10))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() != -1) {
        // hold the lock until the parent closes our stdin (or the process is killed)
      }
    }
  }
}

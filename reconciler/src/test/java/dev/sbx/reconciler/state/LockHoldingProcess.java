package dev.sbx.reconciler.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Child process for {@link StateLockIT}: takes the state lock, says so, holds it until stdin closes. */
public final class LockHoldingProcess {
  private LockHoldingProcess() {}

  public static void main(String[] args) throws IOException {
    StateDirectory state = new StateDirectory(Path.of(args[0]), Clock.systemUTC());
    try (FileLockGuard lock = state.lockState(LockHolder.self("sbx apply -f child", Instant.now()), Duration.ofSeconds(10))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() != -1) {
        // hold the lock until the parent closes our stdin (or the process is killed)
      }
    }
  }
}

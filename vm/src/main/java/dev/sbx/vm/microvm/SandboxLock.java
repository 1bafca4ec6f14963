package dev.sbx.vm.microvm;

import dev.sbx.vm.api.SandboxException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A per-sandbox lock shared by every sbx process on the host (a file lock in
 * {@code STATE/.locks/NAME.lock}, outside the sandbox directory so destroy can remove that), so a
 * CLI and a daemon never boot or remove the same sandbox at once. Callers hold the in-process
 * monitor first: file locks are per process.
 */
final class SandboxLock implements AutoCloseable {
  private static final Duration WAIT = Duration.ofMinutes(5);

  private final FileChannel channel;
  private final FileLock lock;

  private SandboxLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static SandboxLock acquire(Path stateRoot, String name) {
    try {
      Path dir = Files.createDirectories(stateRoot.resolve(".locks"));
      FileChannel channel = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new SandboxLock(channel, lock);
        }
        if (System.nanoTime() > deadline) {
          channel.close();
          throw new SandboxException(SandboxException.Kind.IO, name,
              "another sbx process has held this sandbox's lock for " + WAIT.toMinutes() + " minutes");
        }
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw new SandboxException(SandboxException.Kind.IO, name, "cannot lock: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException(SandboxException.Kind.IO, name, "interrupted while waiting for the lock", e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the OS drops the lock with the descriptor anyway
    }
  }
}

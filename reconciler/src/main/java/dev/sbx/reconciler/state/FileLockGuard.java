package dev.sbx.reconciler.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An exclusive lock on a file ({@link FileChannel#tryLock()}), held until {@link #close()}. The OS
 * releases it when the process dies, so a crashed apply never leaves the state locked. The holder
 * is written into the file so a waiter can name it. A lock held by this same JVM counts as held.
 */
public final class FileLockGuard implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final long POLL_MILLIS = 50;

  private final FileChannel channel;
  private final FileLock lock;

  private FileLockGuard(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, waiting up to {@code timeout}; throws {@link LockHeldException} naming the holder. */
  public static FileLockGuard acquire(Path lockFile, LockHolder me, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Files.createDirectories(lockFile.toAbsolutePath().getParent());
      while (true) {
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = null;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock != null) {
          writeHolder(ch, me);
          return new FileLockGuard(ch, lock);
        }
        ch.close();
        if (System.nanoTime() >= deadline) {
          throw new LockHeldException(lockFile, readHolder(lockFile));
        }
        Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, (deadline - System.nanoTime()) / 1_000_000)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockHeldException(lockFile, readHolder(lockFile));
    }
  }

  private static void writeHolder(FileChannel ch, LockHolder me) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("pid", me.pid());
    o.put("host", me.host());
    o.put("command", me.command());
    o.put("since", me.since().toString());
    ch.truncate(0);
    ch.position(0);
    ByteBuffer buf = ByteBuffer.wrap((JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    ch.force(false);
  }

  /** The holder recorded in a lock file, if readable. */
  public static Optional<LockHolder> readHolder(Path lockFile) {
    try {
      JsonNode o = JSON.readTree(Files.readString(lockFile));
      return Optional.of(new LockHolder(
          o.path("pid").asLong(), o.path("host").asString(), o.path("command").asString(),
          Instant.parse(o.path("since").asString())));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release lock", e);
    }
  }
}

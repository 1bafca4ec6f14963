package dev.sbx.reconciler.state;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An exclusive lock on a file ({@link FileChannel#tryLock()}), held until {@link #close()}. The OS
 * releases it when the process dies, so a crashed apply never leaves the state locked.
 *
 * <p>Two traps of POSIX record locks are avoided on purpose: they belong to the process, and
 * closing <em>any</em> descriptor of the file drops them. So this JVM never opens a second
 * descriptor on a lock file it holds (a registry of held paths answers "held" first), and the
 * holder is written to a separate {@code NAME.holder} file rather than into the lock file, so
 * reading it never touches the lock.
 */
public final class FileLockGuard implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final long POLL_MILLIS = 50;
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private FileLockGuard(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, waiting up to {@code timeout}; throws {@link LockHeldException} naming the holder. */
  public static FileLockGuard acquire(Path lockFile, LockHolder me, Duration timeout) {
    Path path = lockFile.toAbsolutePath().normalize();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Files.createDirectories(path.getParent());
      while (true) {
        FileLockGuard guard = tryOnce(path);
        if (guard != null) {
          AtomicFiles.write(holderFile(path), holderJson(me));
          return guard;
        }
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

  private static FileLockGuard tryOnce(Path path) throws IOException {
    if (!HELD_HERE.add(path)) {
      return null; // held by this JVM: opening the file again would release the OS lock on close
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock != null) {
        return new FileLockGuard(path, ch, lock);
      }
      ch.close();
      HELD_HERE.remove(path);
      return null;
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      HELD_HERE.remove(path);
      throw e;
    }
  }

  private static Path holderFile(Path lockFile) {
    return lockFile.resolveSibling(lockFile.getFileName() + ".holder");
  }

  private static byte[] holderJson(LockHolder me) {
    ObjectNode o = JSON.createObjectNode();
    o.put("pid", me.pid());
    o.put("host", me.host());
    o.put("command", me.command());
    o.put("since", me.since().toString());
    return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The holder last recorded for a lock file, if readable. */
  public static Optional<LockHolder> readHolder(Path lockFile) {
    try {
      JsonNode o = JSON.readTree(Files.readString(holderFile(lockFile.toAbsolutePath().normalize())));
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
      throw new UncheckedIOException("cannot release lock " + path, e);
    } finally {
      HELD_HERE.remove(path);
    }
  }
}

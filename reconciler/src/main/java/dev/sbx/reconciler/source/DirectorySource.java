package dev.sbx.reconciler.source;

import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A local directory of manifests. The revision is the content hash of the tree ({@link
 * TreeDigest}); the snapshot points at the directory itself. {@link #watch} uses a recursive
 * directory watcher and debounces: a burst of file events (an editor's save, a {@code git pull})
 * gives one notification {@code debounce} after the last event. Between events the controller
 * still comes back every {@code resync} (level-triggered: drift is corrected without a file event).
 */
public final class DirectorySource implements Source {
  private final Path directory;
  private final Duration debounce;
  private final Duration resync;
  private final Clock clock;
  private ScheduledExecutorService debouncer;
  private ExecutorService watchThread;
  private ScheduledFuture<?> pending;
  private DirectoryWatcher watcher;

  public DirectorySource(Path directory, Duration debounce, Duration resync, Clock clock) {
    this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    this.debounce = Objects.requireNonNull(debounce, "debounce");
    this.resync = Objects.requireNonNull(resync, "resync");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Debounce 200 ms, resync every 5 minutes. */
  public static DirectorySource of(Path directory) {
    return new DirectorySource(directory, Duration.ofMillis(200), Duration.ofMinutes(5), Clock.systemUTC());
  }

  @Override
  public String id() {
    return "dir:" + directory;
  }

  @Override
  public SourceSnapshot fetch() throws SourceException {
    if (!Files.isDirectory(directory)) {
      throw new SourceException("DirectoryNotFound", "no directory " + directory);
    }
    try {
      return new SourceSnapshot(id(), directory, TreeDigest.of(directory), clock.instant());
    } catch (IOException e) {
      throw new SourceException("ReadFailed", "cannot read " + directory + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Duration nextFetchIn() {
    return resync;
  }

  @Override
  public synchronized void watch(Runnable changed) {
    if (watcher != null) {
      throw new IllegalStateException("already watching " + directory);
    }
    debouncer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sbx-dir-debounce");
      t.setDaemon(true);
      return t;
    });
    try {
      watcher = DirectoryWatcher.builder()
          .path(directory)
          .fileHashing(false)
          .listener(event -> {
            Path p = event.path();
            if (p != null && p.startsWith(directory) && TreeDigest.hidden(directory.relativize(p))) {
              return;
            }
            schedule(changed);
          })
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot watch " + directory + ": " + e.getMessage(), e);
    }
    watchThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sbx-dir-watch");
      t.setDaemon(true);
      return t;
    });
    watcher.watchAsync(watchThread);
  }

  private synchronized void schedule(Runnable changed) {
    if (pending != null) {
      pending.cancel(false);
    }
    pending = debouncer.schedule(changed, debounce.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // closing a watcher that cannot close leaves nothing to clean up here
      }
      debouncer.shutdownNow();
      watchThread.shutdownNow();
      watcher = null;
    }
  }
}

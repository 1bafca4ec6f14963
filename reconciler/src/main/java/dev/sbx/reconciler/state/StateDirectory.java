package dev.sbx.reconciler.state;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A state directory: {@code sandboxes/NAME.json} records, {@code journal.jsonl}, the state lock
 * {@code lock} and per-sandbox locks {@code locks/NAME.lock}.
 */
public final class StateDirectory {
  private final Path root;
  private final StateStore store;
  private final Journal journal;

  public StateDirectory(Path root, Clock clock) {
    this.root = Objects.requireNonNull(root, "root");
    this.store = new StateStore(root);
    this.journal = new Journal(root, clock);
  }

  /**
   * The default state directory: {@code $XDG_STATE_HOME/sbx}, else {@code ~/.local/state/sbx}
   * (the XDG base directory default).
   */
  public static Path defaultRoot(Map<String, String> env, Path home) {
    String xdg = env.get("XDG_STATE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg).resolve("sbx");
    }
    return home.resolve(".local").resolve("state").resolve("sbx");
  }

  public Path root() {
    return root;
  }

  public StateStore store() {
    return store;
  }

  public Journal journal() {
    return journal;
  }

  /** The lock serialising applies on this state directory. */
  public FileLockGuard lockState(LockHolder me, Duration timeout) {
    return FileLockGuard.acquire(root.resolve("lock"), me, timeout);
  }

  /** The lock serialising work on one sandbox (CLI apply and daemon controller alike). */
  public FileLockGuard lockSandbox(String name, LockHolder me, Duration timeout) {
    return FileLockGuard.acquire(root.resolve("locks").resolve(name + ".lock"), me, timeout);
  }
}

package dev.sbx.reconciler.state;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Another sbx holds the lock and did not release it within the timeout. The CLI maps this to exit
 * code 4. The holder is empty when its lock file could not be read.
 */
public final class LockHeldException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path lockFile;
  private final transient Optional<LockHolder> holder;

  public LockHeldException(Path lockFile, Optional<LockHolder> holder) {
    super(lockFile + " is held by " + holder.map(LockHolder::toString).orElse("another process")
        + "; wait for it to finish (the lock is released when that process exits)");
    this.lockFile = lockFile;
    this.holder = holder;
  }

  public Path lockFile() {
    return lockFile;
  }

  public Optional<LockHolder> holder() {
    return holder;
  }
}

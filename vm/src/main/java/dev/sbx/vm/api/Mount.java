package dev.sbx.vm.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host directory shared into the guest through virtiofs at {@code guestPath}.
 * A read-only mount is enforced on the host (the file server sees a read-only bind mount),
 * so guest root cannot remount it writable.
 */
public record Mount(Path hostPath, Path guestPath, boolean readOnly) {
  public Mount {
    Objects.requireNonNull(hostPath, "hostPath");
    Objects.requireNonNull(guestPath, "guestPath");
    if (!hostPath.isAbsolute() || !guestPath.isAbsolute()) {
      throw new IllegalArgumentException("mount paths must be absolute: " + hostPath + " -> " + guestPath);
    }
  }

  /** The usual case: the same absolute path on both sides. */
  public static Mount samePath(Path path, boolean readOnly) {
    return new Mount(path, path, readOnly);
  }
}

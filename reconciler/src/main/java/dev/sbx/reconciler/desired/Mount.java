package dev.sbx.reconciler.desired;

import java.util.Map;
import java.util.Objects;

/** A host directory mounted into the VM at the same absolute path. */
public record Mount(String path, boolean readOnly) {
  public Mount {
    Objects.requireNonNull(path, "path");
  }

  Map<String, Object> canonical() {
    return Map.of("path", path, "readOnly", readOnly);
  }

  @Override
  public String toString() {
    return path + (readOnly ? " (ro)" : "");
  }
}

package dev.sbx.schemas;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A kit reference made local: a directory (or spec file) to load, and how messages name it.
 *
 * @param path local directory or spec file (for zip and git references: inside the cache)
 * @param displayName the reference as the user wrote it
 * @param revision the resolved git commit; null for directories and zips
 */
public record ResolvedKit(Path path, String displayName, String revision) {
  public ResolvedKit {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(displayName, "displayName");
  }
}

package dev.sbx.reconciler.source;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What one fetch of a source produced: a directory holding the manifests at {@code revision} (a
 * commit id for git, a content digest for a directory), fetched at {@code fetchedAt}. The directory
 * stays as it is until a later snapshot of the same source replaces it.
 */
public record SourceSnapshot(String sourceId, Path directory, String revision, Instant fetchedAt) {
  public SourceSnapshot {
    Objects.requireNonNull(sourceId, "sourceId");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
  }
}

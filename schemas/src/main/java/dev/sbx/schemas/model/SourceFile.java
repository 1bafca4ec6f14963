package dev.sbx.schemas.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The file a document was read from.
 *
 * @param path the file on disk (for a zip or git reference: its extracted copy)
 * @param displayName how messages name it: the path as the user gave it, or {@code
 *     git+https://...#ref=...&dir=...:spec.yaml} for remote kits
 */
public record SourceFile(Path path, String displayName) {
  public SourceFile {
    Objects.requireNonNull(path, "path");
    displayName = displayName == null ? path.toString() : displayName;
  }

  public static SourceFile of(Path path) {
    return new SourceFile(path, path.toString());
  }

  @Override
  public String toString() {
    return displayName;
  }
}

package dev.sbx.schemas.model;

import java.util.Objects;

/**
 * One {@code sbx/v1} document as loaded.
 *
 * @param positions keyed by JSON pointer into the document as written (e.g. {@code /spec/allow/0})
 * @param documentIndex 0-based index of the document in a multi-document file
 */
public record LoadedManifest(
    Manifest manifest, SourceFile file, int documentIndex, Positions positions) {
  public LoadedManifest {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(file, "file");
    positions = positions == null ? Positions.NONE : positions;
  }
}

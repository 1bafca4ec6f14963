package dev.sbx.schemas.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A kit as loaded: the model, where it came from, and what was deprecated in it.
 *
 * @param kit the canonical model
 * @param file the spec file
 * @param root the kit directory (holding spec.yaml and files/)
 * @param positions source positions keyed by canonical JSON pointer
 * @param schemaVersion "1" or "2": the spelling the file used
 * @param warnings deprecations and other non-fatal findings, in file order
 */
public record LoadedKit(
    Kit kit,
    SourceFile file,
    Path root,
    Positions positions,
    String schemaVersion,
    List<Problem> warnings) {
  public LoadedKit {
    Objects.requireNonNull(kit, "kit");
    Objects.requireNonNull(file, "file");
    positions = positions == null ? Positions.NONE : positions;
    warnings = Copies.list(warnings);
  }

  /** "kit NAME, FILE:LINE:COL": the provenance string for the value at this canonical pointer. */
  public String origin(String pointer) {
    return "kit " + kit.name() + ", " + file.displayName() + ":" + positions.nearest(pointer);
  }
}

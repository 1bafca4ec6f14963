package dev.sbx.reconciler.merge;

import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.Problem;

/**
 * The merge engine's user errors. Each is a {@link ManifestException} (the CLI maps it to exit 2)
 * whose one problem is placed at the later side and whose message names the other side with its
 * file:line:column, so both places are in the first line a person reads.
 */
final class Conflicts {
  private Conflicts() {}

  static ManifestException at(Origin where, String pointer, String message, String hint) {
    return new ManifestException(new Problem(where.file(), where.position(), pointer, message,
        hint));
  }
}

package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.LoadedManifest;
import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.SourceFile;
import java.util.Objects;

/**
 * Where one effective value was written: by whom ({@code kit bun}, {@code policy team-default},
 * {@code sandbox api-dev}) and at which file:line:column.
 *
 * @param owner "kit NAME", "policy NAME" or "sandbox NAME"
 * @param file the file that wrote the value
 * @param position the value's position (or its nearest written ancestor's)
 */
public record Origin(String owner, SourceFile file, Position position) {
  public Origin {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(position, "position");
  }

  /** The value at this canonical pointer of a loaded kit. */
  public static Origin of(LoadedKit kit, String pointer) {
    return new Origin("kit " + kit.kit().name(), kit.file(), kit.positions().nearest(pointer));
  }

  /** The value at this pointer of an sbx/v1 manifest ({@code /spec/deny/0}, ...). */
  public static Origin of(LoadedManifest manifest, String pointer) {
    return new Origin(manifest.manifest().kind().equals("NetworkPolicy") ? "policy "
        + manifest.manifest().name() : "sandbox " + manifest.manifest().name(),
        manifest.file(), manifest.positions().nearest(pointer));
  }

  /** {@code FILE:LINE:COL}. */
  public String where() {
    return file.displayName() + ":" + position;
  }

  /** {@code kit bun (kits/bun/spec.yaml:12:7)}. */
  @Override
  public String toString() {
    return owner + " (" + where() + ")";
  }
}

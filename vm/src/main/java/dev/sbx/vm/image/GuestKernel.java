package dev.sbx.vm.image;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A guest kernel: the bootable image and its modules tree ({@code .../lib/modules/VERSION}).
 */
public record GuestKernel(String version, Path image, Path modulesDir) {
  public GuestKernel {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(modulesDir, "modulesDir");
  }
}

package dev.sbx.cli;

import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageStore;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Where the image commands get their store: the host's ({@code SBX_DATA_DIR}, else XDG data
 * home {@code ~/.local/share/sbx/images}), the same one the runtime creates sandboxes from.
 * Tests swap in their own.
 */
final class ImageStores {
  private static final Supplier<ImageStore> HOST = () -> ImageStore.open(SbxDirs.fromEnvironment());
  private static volatile Supplier<ImageStore> factory = HOST;

  private ImageStores() {}

  static ImageStore open() {
    return factory.get();
  }

  static void override(Supplier<ImageStore> supplier) {
    factory = supplier;
  }

  static void reset() {
    factory = HOST;
  }

  /** One line on stderr, no stack trace; user errors exit 2, missing tools 5. */
  static int fail(CommandLine.Model.CommandSpec spec, ImageException e) {
    spec.commandLine().getErr().println("sbx: " + e.getMessage());
    return switch (e.kind()) {
      case NOT_FOUND, INVALID, IN_USE -> ExitCodes.INVALID_INPUT;
      case ENVIRONMENT -> ExitCodes.ENVIRONMENT;
      case IO -> 1;
    };
  }

  /** 1536 MiB → "1.5 GiB", 12 MiB → "12 MiB", 800 bytes → "800 B". */
  static String size(long bytes) {
    if (bytes >= 1024L * 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
    if (bytes >= 1024L * 1024) {
      return String.format(java.util.Locale.ROOT, "%d MiB", Math.round(bytes / (1024.0 * 1024)));
    }
    if (bytes >= 1024) {
      return String.format(java.util.Locale.ROOT, "%d KiB", Math.round(bytes / 1024.0));
    }
    return bytes + " B";
  }
}

package dev.sbx.vm.testing;

import dev.sbx.vm.host.HostCommand;
import dev.sbx.vm.image.debian.DebianImageBuilder;
import dev.sbx.vm.image.store.ImageRecord;
import dev.sbx.vm.image.store.ImageStore;
import java.nio.file.Path;
import java.util.List;

/**
 * A debootstrap-built Debian image (bookworm minbase + python3) in a given store. The
 * debootstrap output is cached under {@code ~/.cache/sbx/test-debootstrap} (or
 * {@code SBX_TEST_DEBOOTSTRAP_CACHE}) keyed by suite+packages+mirror, so only the first run on a
 * machine bootstraps (about a minute); later runs only import it (hash + mkfs.ext4, seconds).
 */
public final class DebianFixture {
  public static final String SUITE = "bookworm";
  public static final List<String> PACKAGES = List.of("python3");
  public static final String TAG = "sbx-test/debian:python3";

  private DebianFixture() {}

  public static Path cache() {
    String configured = System.getenv("SBX_TEST_DEBOOTSTRAP_CACHE");
    return configured != null ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "sbx", "test-debootstrap");
  }

  public static ImageRecord build(ImageStore store) {
    VmAvailability.require(HostCommand.available("debootstrap"), "debootstrap is not installed");
    VmAvailability.require("root".equals(System.getProperty("user.name")), "debootstrap needs root");
    var builder = new DebianImageBuilder(store, cache());
    return builder.build(new DebianImageBuilder.Request(SUITE, PACKAGES, null, TAG), line -> { });
  }
}

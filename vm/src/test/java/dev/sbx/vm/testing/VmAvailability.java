package dev.sbx.vm.testing;

import dev.sbx.vm.host.HostCommand;
import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.image.GuestKernel;
import dev.sbx.vm.image.KernelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides whether VM tests can run: QEMU, busybox-static and a guest kernel are needed. Missing
 * pieces skip the test with the reason, or fail it when {@code SBX_REQUIRE_VM=1} (CI).
 */
public final class VmAvailability {
  private VmAvailability() {}

  public static void require(boolean condition, String reason) {
    if (condition) {
      return;
    }
    if ("1".equals(System.getenv("SBX_REQUIRE_VM"))) {
      Assertions.fail("SBX_REQUIRE_VM=1 but " + reason + " (run scripts/prepare-host.sh)");
    }
    Assumptions.assumeTrue(false, "VM test skipped: " + reason + " (run scripts/prepare-host.sh)");
  }

  public static void requireQemu() {
    require(HostCommand.available("qemu-system-x86_64"), "qemu-system-x86_64 is not installed");
    require(Files.isExecutable(Path.of("/bin/busybox")), "/bin/busybox (busybox-static) is missing");
  }

  /** The shared cache (kernels, images) of this user; tests keep their own state dirs. */
  public static SbxDirs dirs(Path state) {
    return SbxDirs.fromEnvironment().withState(state);
  }

  public static GuestKernel kernel() {
    requireQemu();
    try {
      return new KernelProvider(SbxDirs.fromEnvironment().cache(), System.getenv()).kernel();
    } catch (RuntimeException e) {
      require(false, "no guest kernel: " + e.getMessage());
      throw e;
    }
  }
}

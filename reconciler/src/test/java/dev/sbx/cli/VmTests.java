package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sbx.vm.host.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** What the CLI's VM-tier tests share: the host check, a scratch directory, the CLI on one state dir. */
final class VmTests {
  private VmTests() {}

  /** Skips without QEMU, busybox-static or root; fails instead under {@code SBX_REQUIRE_VM=1} (CI). */
  static void requireVm() {
    boolean available = HostCommand.available("qemu-system-x86_64") && Files.isExecutable(Path.of("/bin/busybox"))
        && "root".equals(System.getProperty("user.name"));
    if (!available) {
      if ("1".equals(System.getenv("SBX_REQUIRE_VM"))) {
        Assertions.fail("SBX_REQUIRE_VM=1 but QEMU or busybox-static is missing, or not root (virtiofsd needs root);"
            + " run scripts/prepare-host.sh");
      }
      Assumptions.assumeTrue(false, "VM test skipped: QEMU or busybox-static missing, or not root");
    }
  }

  /**
   * A fresh directory under {@code target/vm-it}, named short (unix socket paths inside it are
   * limited to 108 bytes).
   */
  static Path scratchDir(String prefix) throws IOException {
    return Files.createDirectories(Path.of("target", "vm-it").toAbsolutePath()
        .resolve(prefix + "-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36)));
  }

  /** {@code sbx ARGS --state-dir STATE} in-process; a stack trace on stderr fails the test. */
  static CliRun sbx(Path state, String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--state-dir", state.toString())).toArray(String[]::new);
    CliRun run = CliRun.of(all);
    assertFalse(run.hasStackTrace(), run.err());
    return run;
  }
}

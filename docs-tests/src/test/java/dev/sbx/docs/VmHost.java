package dev.sbx.docs;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** What the VM-tier tests need from the host, and cleaning up the processes a test started. */
final class VmHost {
  private VmHost() {}

  /** Skips without QEMU, busybox-static or root; fails instead under {@code SBX_REQUIRE_VM=1} (CI). */
  static void requireVm() {
    boolean qemu = List.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)).stream()
        .anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-system-x86_64")));
    boolean available = qemu && Files.isExecutable(Path.of("/bin/busybox")) && "root".equals(System.getProperty("user.name"));
    if (!available) {
      if ("1".equals(System.getenv("SBX_REQUIRE_VM"))) {
        Assertions.fail("SBX_REQUIRE_VM=1 but QEMU or busybox-static is missing, or not root; run scripts/prepare-host.sh");
      }
      Assumptions.assumeTrue(false, "VM test skipped: QEMU or busybox-static missing, or not root");
    }
  }

  /**
   * Ends every process whose command line names {@code scratch} (the daemon, QEMU and virtiofsd
   * this test started all carry its state directory in their arguments): by process id, children
   * of this JVM's subprocesses included, SIGTERM first, SIGKILL after a grace period. Returns how
   * many were left over.
   */
  static int killLeftovers(Path scratch) {
    String mark = scratch.toAbsolutePath().toString();
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> left = ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
        .toList();
    left.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (ProcessHandle p : left) {
      while (p.isAlive() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return left.size();
        }
      }
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    return left.size();
  }

  static boolean qemuRunningFor(Path stateDir) {
    String mark = stateDir.toAbsolutePath().toString();
    return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
        .map(c -> c.contains("qemu-system") && c.contains(mark)).orElse(false));
  }
}

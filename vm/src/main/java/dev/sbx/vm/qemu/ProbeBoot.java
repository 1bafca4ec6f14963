package dev.sbx.vm.qemu;

import dev.sbx.vm.image.GuestImage;
import dev.sbx.vm.image.GuestLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Boots the guest image with the probe init ({@link GuestLayout#PROBE_INIT}) instead of the
 * agent: the kernel and initramfs are the same, /init is a shell script that prints a marker and
 * powers off. Used to check that KVM really runs guests, and by the boot benchmark as the
 * bare-QEMU baseline.
 */
public final class ProbeBoot {
  private ProbeBoot() {}

  /**
   * How a probe boot went: {@code toInit} is the wall time from QEMU exec to the marker on the
   * console (empty if it never came); {@code qemuExited} tells a QEMU that quit early (and its
   * log) from a guest that hung.
   */
  public record Result(Optional<Duration> toInit, boolean qemuExited, String qemuLog) {}

  /** The wall time from QEMU exec to the marker on the console, or empty if it never came. */
  public static Optional<Duration> run(String qemu, GuestImage image, Accel accel, Path dir, Duration timeout)
      throws IOException, InterruptedException {
    return probe(qemu, image, accel, dir, timeout).toInit();
  }

  public static Result probe(String qemu, GuestImage image, Accel accel, Path dir, Duration timeout)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    var layout = new VmLayout(dir);
    Files.deleteIfExists(layout.console());
    var args = new QemuArgs(qemu, image, accel, 1, 256, layout, GuestLayout.PROBE_INIT, null, List.of());
    long started = System.nanoTime();
    Process process = new ProcessBuilder(args.argv())
        .redirectErrorStream(true).redirectOutput(layout.qemuLog().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    long deadline = started + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (Files.exists(layout.console())
            && Files.readString(layout.console(), StandardCharsets.ISO_8859_1).contains(GuestLayout.PROBE_MARKER)) {
          return new Result(Optional.of(Duration.ofNanos(System.nanoTime() - started)), false, "");
        }
        if (!process.isAlive()) {
          return new Result(Optional.empty(), true, Files.readString(layout.qemuLog()).strip());
        }
        Thread.sleep(20);
      }
      return new Result(Optional.empty(), false, "");
    } finally {
      process.destroyForcibly();
      process.waitFor();
      Files.deleteIfExists(layout.qmpSocket());
      Files.deleteIfExists(layout.agentSocket());
    }
  }
}

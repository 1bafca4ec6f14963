package dev.sbx.vm.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.image.GuestImage;
import dev.sbx.vm.image.InitramfsBuilder;
import dev.sbx.vm.testing.VmAvailability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Debian kernel and an sbx-built initramfs boot under QEMU microvm to the probe /init. */
@Tag("vm")
class ProbeBootIT {

  @Test
  void kernelAndInitramfsBootToInitUnderTcg(@TempDir Path tmp) throws Exception {
    var kernel = VmAvailability.kernel();
    var cache = VmAvailability.dirs(tmp).cache();
    byte[] placeholderAgent = "#!/bin/sh\nexec /sbin/sbx-probe\n".getBytes(StandardCharsets.UTF_8);
    GuestImage image = new InitramfsBuilder(cache).build(kernel, placeholderAgent,
        Files.readAllBytes(Path.of("/bin/busybox")), InitramfsBuilder.busyboxApplets(Path.of("/bin/busybox")));
    GuestImage again = new InitramfsBuilder(cache).build(kernel, placeholderAgent,
        Files.readAllBytes(Path.of("/bin/busybox")), InitramfsBuilder.busyboxApplets(Path.of("/bin/busybox")));
    assertEquals(image.initramfs(), again.initramfs(), "same inputs give the same cached image");

    var booted = ProbeBoot.run("qemu-system-x86_64", image, Accel.TCG, tmp.resolve("probe"), Duration.ofSeconds(90));
    assertTrue(booted.isPresent(), () -> "no probe marker; console:\n" + read(tmp.resolve("probe/console.log"))
        + "\nqemu:\n" + read(tmp.resolve("probe/qemu.log")));

    var verdict = new AccelDetector(cache, "qemu-system-x86_64", "auto").resolve(image);
    var cached = new AccelDetector(cache, "qemu-system-x86_64", "auto").resolve(image);
    assertEquals(verdict.accel(), cached.accel(), "the verdict is cached per host");
    assertTrue(cached.reason().endsWith("(cached)") || cached.reason().contains("/dev/kvm"), cached.reason());
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (Exception e) {
      return "(" + e + ")";
    }
  }
}

package dev.sbx.vm.qemu;

import dev.sbx.vm.image.GuestImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Decides {@code accel=auto}. {@code /dev/kvm} opening is not enough: on nested hosts the guest
 * hangs after real mode. So a probe boot under KVM must reach /init within a watchdog; the
 * verdict is cached per host (host name, host kernel, QEMU binary) in
 * {@code CACHE/accel/KEY.json}. {@code SBX_ACCEL=kvm|tcg} skips the probe.
 */
public final class AccelDetector {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path cacheDir;
  private final String qemu;
  private final String mode;

  public AccelDetector(Path cacheDir, String qemu, String mode) {
    this.cacheDir = cacheDir.resolve("accel");
    this.qemu = qemu;
    this.mode = mode == null || mode.isBlank() ? "auto" : mode.toLowerCase(java.util.Locale.ROOT);
  }

  /** The verdict and why. */
  public record Verdict(Accel accel, String reason) {}

  public Verdict resolve(GuestImage image) {
    switch (mode) {
      case "kvm":
        return new Verdict(Accel.KVM, "SBX_ACCEL=kvm");
      case "tcg":
        return new Verdict(Accel.TCG, "SBX_ACCEL=tcg");
      case "auto":
        break;
      default:
        throw new IllegalArgumentException("SBX_ACCEL must be auto, kvm or tcg, not '" + mode + "'");
    }
    if (!kvmOpens()) {
      return new Verdict(Accel.TCG, "/dev/kvm cannot be opened");
    }
    Path cached = cacheDir.resolve(hostKey() + ".json");
    try {
      if (Files.isRegularFile(cached)) {
        JsonNode node = JSON.readTree(Files.readString(cached));
        return new Verdict(Accel.valueOf(node.path("accel").asString()), node.path("reason").asString() + " (cached)");
      }
      Files.createDirectories(cacheDir);
      Path dir = Files.createTempDirectory(cacheDir, "probe-");
      Verdict verdict;
      try {
        var probe = ProbeBoot.probe(qemu, image, Accel.KVM, dir, PROBE_TIMEOUT);
        if (probe.toInit().isPresent()) {
          verdict = new Verdict(Accel.KVM, "KVM probe boot reached /init in " + probe.toInit().get().toMillis() + " ms");
        } else if (probe.qemuExited()) {
          verdict = new Verdict(Accel.TCG, "QEMU with KVM exited during the probe boot ("
              + probe.qemuLog().lines().findFirst().orElse("no message") + "); using TCG");
        } else {
          verdict = new Verdict(Accel.TCG, "KVM probe boot did not reach /init within " + PROBE_TIMEOUT.toSeconds()
              + " s (the guest hangs, as nested KVM does here); using TCG");
        }
      } finally {
        dev.sbx.vm.image.Files2.deleteTree(dir);
      }
      String json = JSON.createObjectNode().put("accel", verdict.accel().name()).put("reason", verdict.reason())
          .put("probedAt", Instant.now().toString()).toString();
      Path tmp = Files.createTempFile(cacheDir, ".verdict", ".json");
      Files.writeString(tmp, json);
      Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return verdict;
    } catch (IOException e) {
      return new Verdict(Accel.TCG, "KVM probe failed (" + e.getMessage() + "); using TCG");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Verdict(Accel.TCG, "interrupted during KVM probe; using TCG");
    }
  }

  static boolean kvmOpens() {
    try (var f = new RandomAccessFile("/dev/kvm", "rw")) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String hostKey() {
    try {
      String host = Files.exists(Path.of("/etc/hostname")) ? Files.readString(Path.of("/etc/hostname")).strip() : "?";
      String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
      String cpu = "";
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line;
          break;
        }
      }
      var sha = MessageDigest.getInstance("SHA-256");
      sha.update((host + "\n" + kernel + "\n" + cpu + "\n" + qemu).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (Exception e) {
      return "unknown-host";
    }
  }
}

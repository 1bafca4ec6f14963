package dev.sbx.reconciler.doctor;

import dev.sbx.secrets.api.KeySourceStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sbx doctor}: checks the host for what sandboxes need and says exactly what to do about each
 * gap. Pure over a {@link HostProbe}; the order of {@link #run()} is the order printed. Never boots a
 * VM itself: the KVM verdict is the vm module's (cached per host; probed once, and only when a
 * guest kernel is already at hand).
 */
public final class Doctor {
  public static final long WARN_BELOW_BYTES = 5L << 30;
  public static final long FAIL_BELOW_BYTES = 512L << 20;
  private static final Pattern QEMU_VERSION = Pattern.compile("version (\\d+)\\.(\\d+)(\\.\\d+)?");
  private static final String PREPARE = "scripts/prepare-host.sh";

  /**
   * Where sbx keeps things and which binaries it would run.
   *
   * @param qemu {@code SBX_QEMU} or {@code qemu-system-x86_64}
   * @param virtiofsd {@code SBX_VIRTIOFSD} or Debian's {@code /usr/lib/qemu/virtiofsd}
   */
  public record Setup(Path stateDir, Path cacheDir, Path egressCaDir, String qemu, String virtiofsd) {
    public Setup {
      Objects.requireNonNull(stateDir, "stateDir");
      Objects.requireNonNull(cacheDir, "cacheDir");
      Objects.requireNonNull(egressCaDir, "egressCaDir");
      Objects.requireNonNull(qemu, "qemu");
      Objects.requireNonNull(virtiofsd, "virtiofsd");
    }
  }

  private final HostProbe host;
  private final Setup setup;

  public Doctor(HostProbe host, Setup setup) {
    this.host = host;
    this.setup = setup;
  }

  /** Every check, in a fixed order. */
  public List<Check> run() {
    List<Check> checks = new ArrayList<>();
    Check qemu = qemu();
    checks.add(qemu);
    Check kernel = kernel();
    checks.add(kvm(qemu.status() != Check.Status.FAIL && kernel.status() == Check.Status.OK));
    checks.add(virtiofsd());
    checks.add(busybox());
    checks.add(kernel);
    checks.add(gcc());
    checks.add(keyring());
    checks.add(disk());
    checks.add(daemon());
    checks.add(egressCa());
    return List.copyOf(checks);
  }

  /** 0 when nothing failed, else 1. */
  public static int exitCode(List<Check> checks) {
    return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL) ? 1 : 0;
  }

  Check qemu() {
    Optional<Path> bin = host.executable(setup.qemu());
    if (bin.isEmpty()) {
      return Check.fail("qemu", setup.qemu() + " not found",
          "install QEMU: apt-get install qemu-system-x86 (or run " + PREPARE + "), or set SBX_QEMU to the binary");
    }
    Optional<String> line = host.firstLine(List.of(bin.get().toString(), "--version"));
    Matcher m = QEMU_VERSION.matcher(line.orElse(""));
    if (!m.find()) {
      return Check.fail("qemu", bin.get() + " does not answer --version (" + line.orElse("no output") + ")",
          "reinstall QEMU (apt-get install --reinstall qemu-system-x86) or point SBX_QEMU at a working binary");
    }
    String version = m.group(1) + "." + m.group(2) + (m.group(3) == null ? "" : m.group(3));
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major < 7 || (major == 7 && minor < 2)) {
      return Check.warn("qemu", "QEMU " + version + " at " + bin.get() + " is older than the tested 7.2",
          "upgrade to QEMU 7.2 or newer (Debian 12's qemu-system-x86)");
    }
    return Check.ok("qemu", "QEMU " + version + " at " + bin.get());
  }

  Check kvm(boolean canAskVerdict) {
    Path dev = Path.of("/dev/kvm");
    String slower = "guests run under TCG, slower (a boot takes 5-15 s)";
    if (!host.exists(dev)) {
      return Check.warn("kvm", "no /dev/kvm: " + slower,
          "enable VT-x/AMD-V in the firmware and load kvm_intel or kvm_amd; in a cloud VM pick a type with nested"
              + " virtualisation");
    }
    if (!host.opensReadWrite(dev)) {
      return Check.warn("kvm", "/dev/kvm cannot be opened read-write by this user: " + slower,
          "add the user to group kvm (usermod -aG kvm $USER, then log in again) or run sbx as root");
    }
    if (!canAskVerdict) {
      return Check.warn("kvm", "/dev/kvm opens; whether guests really run under KVM is not probed yet (needs QEMU"
          + " and the guest kernel)", "fix the qemu/kernel lines, then run sbx doctor again");
    }
    HostProbe.Accel verdict = host.accel();
    if (verdict.accel().isEmpty()) {
      return Check.warn("kvm", "/dev/kvm opens; KVM not probed: " + verdict.reason(),
          "run sbx doctor again; SBX_ACCEL=kvm or SBX_ACCEL=tcg skips the probe");
    }
    if (verdict.accel().get().equals("KVM")) {
      return Check.ok("kvm", "KVM usable: " + verdict.reason());
    }
    return Check.warn("kvm", "TCG, slower: /dev/kvm opens but " + verdict.reason(),
        "nothing to do for correctness; for speed use bare metal or a host whose nested KVM runs guests"
            + " (the verdict is cached in " + setup.cacheDir().resolve("accel") + "; delete it to probe again)");
  }

  Check virtiofsd() {
    Optional<Path> bin = host.executable(setup.virtiofsd());
    if (bin.isEmpty()) {
      return Check.warn("virtiofsd", setup.virtiofsd() + " not found: sandboxes with a workspace or mounts cannot start",
          "apt-get install qemu-system-x86 (Debian 12 ships /usr/lib/qemu/virtiofsd) or virtiofsd, or set SBX_VIRTIOFSD");
    }
    return Check.ok("virtiofsd", "virtiofsd at " + bin.get());
  }

  Check busybox() {
    String configured = host.env().getOrDefault("SBX_BUSYBOX", "/bin/busybox");
    if (host.executable(configured).isEmpty()) {
      return Check.fail("busybox", configured + " not found: the guest's initramfs is built with it",
          "apt-get install busybox-static (or run " + PREPARE + "), or set SBX_BUSYBOX to a static busybox");
    }
    return Check.ok("busybox", "static busybox at " + configured);
  }

  Check kernel() {
    String configured = host.env().get("SBX_KERNEL");
    if (configured != null && !configured.isBlank()) {
      if (!host.isRegularFile(Path.of(configured))) {
        return Check.fail("kernel", "SBX_KERNEL=" + configured + " is not a file",
            "point SBX_KERNEL at a vmlinuz and SBX_KERNEL_MODULES at its lib/modules/VERSION, or unset both");
      }
      return Check.ok("kernel", "guest kernel from SBX_KERNEL=" + configured);
    }
    Path cache = setup.cacheDir().resolve("kernel");
    List<String> cached = new ArrayList<>();
    for (Path dir : host.list(cache)) {
      String version = dir.getFileName().toString();
      if (host.isRegularFile(dir.resolve("vmlinuz-" + version)) && host.exists(dir.resolve("lib/modules/" + version))) {
        cached.add(version);
      }
    }
    if (!cached.isEmpty()) {
      cached.sort(java.util.Comparator.reverseOrder());
      return Check.ok("kernel", "Debian cloud kernel " + cached.get(0) + " cached in " + cache);
    }
    if (host.executable("apt-get").isPresent()) {
      return Check.warn("kernel", "no guest kernel cached in " + cache + " yet",
          "nothing to do: the first sandbox start fetches it (apt-get download linux-image-cloud-amd64; run apt-get"
              + " update first if apt has no lists); offline, set SBX_KERNEL and SBX_KERNEL_MODULES");
    }
    return Check.fail("kernel", "no guest kernel cached in " + cache + " and no apt-get to fetch one",
        "set SBX_KERNEL to a vmlinuz with virtio, virtiofs and fuse and SBX_KERNEL_MODULES to its modules directory");
  }

  Check gcc() {
    return host.executable("gcc")
        .map(p -> Check.ok("gcc", "gcc at " + p + "; not needed at runtime (only to rebuild the guest agent)"))
        .orElse(Check.ok("gcc", "not installed; not needed at runtime (the guest agent ships prebuilt in the sbx jar)"));
  }

  Check keyring() {
    List<KeySourceStatus> sources = host.keySources();
    if ("keyfile".equals(host.env().get("SBX_SECRETS_KEY_BACKEND"))) {
      return Check.ok("keyring", "secrets key in a 0600 file (SBX_SECRETS_KEY_BACKEND=keyfile)");
    }
    Optional<KeySourceStatus> keyring = sources.stream()
        .filter(s -> !s.backend().equals("keyfile") && s.available()).findFirst();
    if (keyring.isPresent()) {
      return Check.ok("keyring", keyring.get().backend() + ": " + keyring.get().detail());
    }
    String why = sources.stream().filter(s -> !s.backend().equals("keyfile"))
        .map(s -> s.backend() + ": " + s.detail()).reduce((a, b) -> a + "; " + b).orElse("none on this platform");
    String file = sources.stream().filter(s -> s.backend().equals("keyfile")).map(KeySourceStatus::detail)
        .findFirst().orElse("a 0600 key file");
    return Check.warn("keyring", "no OS keyring (" + why + "); the secrets key is kept in " + file,
        "for keyring storage run a Secret Service (e.g. gnome-keyring-daemon) in a D-Bus session;"
            + " to accept the key file set SBX_SECRETS_KEY_BACKEND=keyfile");
  }

  Check disk() {
    long free = host.usableBytes(setup.stateDir());
    String amount = String.format(java.util.Locale.ROOT, "%.1f GiB free", free / (double) (1L << 30));
    String fix = "free space there, or put the state on a larger disk with --state-dir DIR or SBX_STATE_DIR"
        + " (each sandbox has a sparse 4 GiB disk)";
    if (free < FAIL_BELOW_BYTES) {
      return Check.fail("disk", amount + " for " + setup.stateDir(), fix);
    }
    if (free < WARN_BELOW_BYTES) {
      return Check.warn("disk", amount + " for " + setup.stateDir() + " (under 5 GiB)", fix);
    }
    return Check.ok("disk", amount + " for " + setup.stateDir());
  }

  Check daemon() {
    Optional<String> version = host.daemonVersion();
    if (version.isEmpty()) {
      return Check.ok("daemon", "not running for " + setup.stateDir()
          + " (apply, diff and the sandbox verbs start it on demand; 'sbx daemon' starts it now)");
    }
    var json = tools.jackson.databind.json.JsonMapper.shared().readTree(version.get());
    String remote = json.has("remote") ? "remote API on " + json.path("remote").path("url").asString() : "remote API off";
    return Check.ok("daemon", "running for " + setup.stateDir() + ": pid " + json.path("pid").asString() + ", "
        + json.path("actuators").asString() + " actuators, " + remote);
  }

  Check egressCa() {
    Path cert = setup.egressCaDir().resolve("ca.pem");
    Path key = setup.egressCaDir().resolve("ca.key");
    if (!host.isRegularFile(cert)) {
      return Check.warn("egress-ca", "no interception CA in " + setup.egressCaDir() + " yet",
          "nothing to do unless you bind secrets: the daemon makes it on its first start ('sbx daemon');"
              + " 'sbx egress ca' prints it");
    }
    Optional<String> perms = host.permissions(key);
    if (perms.isPresent() && !perms.get().endsWith("------")) {
      return Check.fail("egress-ca", key + " is readable by others (" + perms.get() + ")",
          "run: chmod 600 " + key);
    }
    return Check.ok("egress-ca", "interception CA at " + cert);
  }
}

package dev.sbx.reconciler.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.doctor.Check.Status;
import dev.sbx.secrets.api.KeySourceStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every check against a fake host: each gap is WARN or FAIL with a fix; the exit code follows FAIL. */
class DoctorTest {
  private static final Path STATE = Path.of("/home/u/.local/state/sbx");
  private static final Path CACHE = Path.of("/home/u/.cache/sbx");
  private static final Doctor.Setup SETUP = new Doctor.Setup(STATE, CACHE, STATE.resolve("egress-ca"),
      "qemu-system-x86_64", "/usr/lib/qemu/virtiofsd");

  /** A host that has everything; tests take parts away. */
  static final class FakeHost implements HostProbe {
    final Map<String, String> env = new HashMap<>();
    final Map<String, Path> executables = new HashMap<>();
    final Map<String, String> versions = new HashMap<>();
    final Set<Path> files = new HashSet<>();
    final Set<Path> dirs = new HashSet<>();
    boolean kvmOpens = true;
    Accel accel = new Accel(Optional.of("KVM"), "KVM probe boot reached /init in 900 ms (cached)");
    int accelCalls;
    long free = 50L << 30;
    String caKeyPerms = "rw-------";
    List<KeySourceStatus> keys = new ArrayList<>(List.of(
        new KeySourceStatus("libsecret", true, "Secret Service"), new KeySourceStatus("keyfile", true, "key file /k")));
    String daemon;

    FakeHost() {
      executables.put("qemu-system-x86_64", Path.of("/usr/bin/qemu-system-x86_64"));
      versions.put("/usr/bin/qemu-system-x86_64", "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)");
      executables.put("/usr/lib/qemu/virtiofsd", Path.of("/usr/lib/qemu/virtiofsd"));
      executables.put("/bin/busybox", Path.of("/bin/busybox"));
      executables.put("apt-get", Path.of("/usr/bin/apt-get"));
      files.add(Path.of("/dev/kvm"));
      Path k = CACHE.resolve("kernel/6.1.0-56-cloud-amd64");
      dirs.add(k);
      files.add(k.resolve("vmlinuz-6.1.0-56-cloud-amd64"));
      files.add(k.resolve("lib/modules/6.1.0-56-cloud-amd64"));
      files.add(STATE.resolve("egress-ca/ca.pem"));
    }

    @Override public Map<String, String> env() { return env; }
    @Override public Optional<Path> executable(String n) { return Optional.ofNullable(executables.get(n)); }
    @Override public Optional<String> firstLine(List<String> argv) { return Optional.ofNullable(versions.get(argv.get(0))); }
    @Override public boolean exists(Path p) { return files.contains(p) || dirs.contains(p); }
    @Override public boolean isRegularFile(Path p) { return files.contains(p); }
    @Override public boolean opensReadWrite(Path d) { return kvmOpens && files.contains(d); }
    @Override public List<Path> list(Path dir) { return dirs.stream().filter(d -> dir.equals(d.getParent())).toList(); }
    @Override public long usableBytes(Path dir) { return free; }
    @Override public Optional<String> permissions(Path f) { return Optional.of(caKeyPerms); }
    @Override public Accel accel() { accelCalls++; return accel; }
    @Override public List<KeySourceStatus> keySources() { return keys; }
    @Override public Optional<String> daemonVersion() { return Optional.ofNullable(daemon); }
  }

  private final FakeHost host = new FakeHost();

  private Map<String, Check> run() {
    Map<String, Check> byId = new java.util.LinkedHashMap<>();
    for (Check c : new Doctor(host, SETUP).run()) {
      byId.put(c.id(), c);
      assertEquals(c.status() != Status.OK, c.fix().isPresent(), "a WARN or FAIL says what to do: " + c);
    }
    return byId;
  }

  @Test
  void aCompleteHostIsAllOkInAFixedOrder() {
    Map<String, Check> checks = run();
    assertEquals(List.of("qemu", "kvm", "virtiofsd", "busybox", "kernel", "gcc", "keyring", "disk", "daemon", "egress-ca"),
        List.copyOf(checks.keySet()));
    checks.values().forEach(c -> assertEquals(Status.OK, c.status(), c.toString()));
    assertTrue(checks.get("qemu").detail().contains("QEMU 7.2.22"), checks.get("qemu").detail());
    assertEquals(0, Doctor.exitCode(List.copyOf(checks.values())));
  }

  @Test
  void missingQemuFailsWithTheInstallCommandAndNoProbe() {
    host.executables.remove("qemu-system-x86_64");
    Map<String, Check> checks = run();
    assertEquals(Status.FAIL, checks.get("qemu").status());
    assertTrue(checks.get("qemu").fix().orElseThrow().contains("apt-get install qemu-system-x86"));
    assertTrue(checks.get("qemu").fix().orElseThrow().contains("SBX_QEMU"));
    assertEquals(0, host.accelCalls, "no probe without QEMU");
    assertEquals(1, Doctor.exitCode(new Doctor(host, SETUP).run()));
  }

  @Test
  void oldQemuIsAWarning() {
    host.versions.put("/usr/bin/qemu-system-x86_64", "QEMU emulator version 6.2.0");
    assertEquals(Status.WARN, run().get("qemu").status());
  }

  @Test
  void kvmThatOpensButHangsIsTcgSlowerAsAWarning() {
    host.accel = new HostProbe.Accel(Optional.of("TCG"), "QEMU with KVM exited during the probe boot; using TCG (cached)");
    Check kvm = run().get("kvm");
    assertEquals(Status.WARN, kvm.status());
    assertTrue(kvm.detail().startsWith("TCG, slower"), kvm.detail());
    assertEquals(1, host.accelCalls);
  }

  @Test
  void kvmMissingOrNotOpenableSaysWhyAndNeverProbes() {
    host.kvmOpens = false;
    Check noAccess = run().get("kvm");
    assertEquals(Status.WARN, noAccess.status());
    assertTrue(noAccess.fix().orElseThrow().contains("usermod -aG kvm"), noAccess.toString());
    host.files.remove(Path.of("/dev/kvm"));
    Check none = run().get("kvm");
    assertTrue(none.detail().startsWith("no /dev/kvm"), none.toString());
    assertEquals(0, host.accelCalls);
  }

  @Test
  void withoutACachedKernelTheProbeIsNotRunAndTheKernelLineSaysHowItIsFetched() {
    host.dirs.clear();
    Map<String, Check> checks = run();
    assertEquals(Status.WARN, checks.get("kernel").status());
    assertTrue(checks.get("kernel").fix().orElseThrow().contains("apt-get download linux-image-cloud-amd64"));
    assertEquals(Status.WARN, checks.get("kvm").status());
    assertEquals(0, host.accelCalls, "no boot without a kernel");

    host.executables.remove("apt-get");
    assertEquals(Status.FAIL, run().get("kernel").status());
    host.env.put("SBX_KERNEL", "/boot/vmlinuz-x");
    assertEquals(Status.FAIL, run().get("kernel").status());
    host.files.add(Path.of("/boot/vmlinuz-x"));
    assertEquals(Status.OK, run().get("kernel").status());
  }

  @Test
  void virtiofsdAndBusybox() {
    host.executables.remove("/usr/lib/qemu/virtiofsd");
    host.executables.remove("/bin/busybox");
    Map<String, Check> checks = run();
    assertEquals(Status.WARN, checks.get("virtiofsd").status());
    assertEquals(Status.FAIL, checks.get("busybox").status());
    assertTrue(checks.get("busybox").fix().orElseThrow().contains("busybox-static"));
  }

  @Test
  void gccIsNeverNeededAtRuntime() {
    host.executables.remove("gcc");
    Check gcc = run().get("gcc");
    assertEquals(Status.OK, gcc.status());
    assertTrue(gcc.detail().contains("not needed at runtime"));
  }

  @Test
  void noKeyringIsAWarningNamingTheKeyFileUnlessChosen() {
    host.keys = List.of(new KeySourceStatus("libsecret", false, "no D-Bus session bus"),
        new KeySourceStatus("keyfile", true, "key file /k"));
    Check warn = run().get("keyring");
    assertEquals(Status.WARN, warn.status());
    assertTrue(warn.detail().contains("no D-Bus session bus") && warn.detail().contains("/k"), warn.detail());
    host.env.put("SBX_SECRETS_KEY_BACKEND", "keyfile");
    assertEquals(Status.OK, run().get("keyring").status());
  }

  @Test
  void diskWarnsUnderFiveGibAndFailsUnderHalfAGib() {
    host.free = 4L << 30;
    assertEquals(Status.WARN, run().get("disk").status());
    host.free = 100L << 20;
    assertEquals(Status.FAIL, run().get("disk").status());
    assertTrue(run().get("disk").fix().orElseThrow().contains("--state-dir"));
  }

  @Test
  void daemonRunningOrNotIsReportedEitherWay() {
    assertTrue(run().get("daemon").detail().startsWith("not running"));
    host.daemon = "{\"api\":\"v1\",\"pid\":42,\"actuators\":\"real\",\"remote\":{\"url\":\"https://127.0.0.1:7443\"}}";
    Check d = run().get("daemon");
    assertEquals(Status.OK, d.status());
    assertTrue(d.detail().contains("pid 42") && d.detail().contains("https://127.0.0.1:7443"), d.detail());
  }

  @Test
  void egressCaAbsentIsAWarningAndAnOpenKeyAFailure() {
    host.caKeyPerms = "rw-r--r--";
    Check open = run().get("egress-ca");
    assertEquals(Status.FAIL, open.status());
    assertTrue(open.fix().orElseThrow().startsWith("run: chmod 600"));
    host.files.remove(STATE.resolve("egress-ca/ca.pem"));
    assertEquals(Status.WARN, run().get("egress-ca").status());
  }
}

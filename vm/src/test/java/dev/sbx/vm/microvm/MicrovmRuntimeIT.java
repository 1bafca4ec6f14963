package dev.sbx.vm.microvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.EgressEndpoint;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.GuestCommand;
import dev.sbx.vm.api.GuestFile;
import dev.sbx.vm.api.KitApplication;
import dev.sbx.vm.api.Mount;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.api.SandboxState;
import dev.sbx.vm.qemu.Processes;
import dev.sbx.vm.testing.TestProxy;
import dev.sbx.vm.testing.VmAvailability;
import dev.sbx.vm.testing.VmTestDir;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The qemu-microvm runtime against real QEMU (TCG here), the real guest agent and virtiofsd.
 * Several assertions share each boot to keep the suite short on a 2-core machine.
 */
@Tag("vm")
class MicrovmRuntimeIT {
  private static final Duration CMD = Duration.ofSeconds(60);
  /** Not a real certificate: the guest only stores and appends it. */
  private static final String TEST_CA = "-----BEGIN CERTIFICATE-----\nMIIBsbxTESTCA\n-----END CERTIFICATE-----\n";

  @BeforeAll
  static void requirements() {
    VmAvailability.requireQemu();
    VmAvailability.require("0".equals(uid()), "virtiofsd and read-only shares need root");
    VmAvailability.kernel();
  }

  private static String uid() {
    try {
      return new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip();
    } catch (IOException e) {
      return "?";
    }
  }

  private static MicrovmRuntime runtime(Path state) {
    return new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment().withDirs(VmAvailability.dirs(state)));
  }

  @Test
  void sandboxLifecycleExecSharesTunnelKitAndCrash() throws Exception {
    Path dir = VmTestDir.create("life");
    boolean passed = false;
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path ro = Files.createDirectories(dir.resolve("ro"));
    Files.writeString(ro.resolve("readme.txt"), "read only\n");
    Files.setAttribute(ws, "unix:uid", 1000);
    Files.setAttribute(ws, "unix:gid", 1000);
    var runtime = runtime(dir.resolve("state"));
    try (var proxy = new TestProxy(); var udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        var tcp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      var kit = new KitApplication(
          List.of(new GuestFile("/home/agent/.kitrc", "from the kit\n".getBytes(StandardCharsets.UTF_8), 0644, 1000, 1000)),
          List.of(GuestCommand.asAgent("kit install", "echo installing; echo x >> /var/lib/sbx/install-count 2>/dev/null "
              + "|| echo x >> $HOME/install-count")),
          List.of(GuestCommand.asAgent("kit startup", "echo started >> $HOME/startup-count; echo startup-ran"),
              GuestCommand.asAgent("kit broken startup", "echo about to fail >&2; exit 3")));
      SandboxSpec spec = SandboxSpec.minimal("life").withOwner("team-a", "hash-123").withWorkspace(ws)
          .withMounts(List.of(Mount.samePath(ro, true)))
          .withEgress(new EgressEndpoint.Tcp("127.0.0.1", proxy.port()))
          .withEnv(Map.of("SBX_SENTINEL", "proxy-managed")).withKit(kit).withCaPem(TEST_CA);

      SandboxInfo created = runtime.create(spec);
      assertEquals(SandboxState.STOPPED, created.state());
      SandboxInfo started = runtime.start("life");
      assertEquals(SandboxState.RUNNING, started.state(), runtime.consoleLog("life"));
      assertTrue(Processes.isRunning(started.pid().orElseThrow(), "qemu-system-x86_64"));
      SandboxInfo listed = runtime.list().stream().filter(i -> i.name().equals("life")).findFirst().orElseThrow();
      assertEquals("team-a", listed.owner());
      assertEquals("hash-123", listed.specHash());
      assertEquals("qemu-microvm", listed.driver());

      // exec: user, exit code, separate ordered streams
      assertEquals("1000", agent(runtime, "id -u").stdoutText().strip());
      assertEquals("0", runtime.run("life", ExecRequest.asRoot("id", "-u"), CMD).stdoutText().strip());
      ExecResult mixed = agent(runtime, "echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 7");
      assertEquals(7, mixed.exitCode());
      assertEquals("out1\nout2\n", mixed.stdoutText());
      assertEquals("err1\nerr2\n", mixed.stderrText());

      // workspace both ways at the same absolute path; ro mount refuses even root
      assertEquals(0, agent(runtime, "echo from-guest > " + ws + "/guest.txt").exitCode());
      assertEquals("from-guest\n", Files.readString(ws.resolve("guest.txt")));
      Files.writeString(ws.resolve("host.txt"), "from-host\n");
      assertEquals("from-host\n", agent(runtime, "cat " + ws + "/host.txt").stdoutText());
      assertEquals("read only\n", agent(runtime, "cat " + ro + "/readme.txt").stdoutText());
      ExecResult roWrite = runtime.run("life", ExecRequest.asRoot("/bin/sh", "-c",
          "echo x > " + ro + "/new.txt; r=$?; mount -o remount,rw " + ro + " 2>/dev/null; echo y > " + ro
              + "/new2.txt; exit $((r + $?))"), CMD);
      assertNotEquals(0, roWrite.exitCode(), roWrite.stderrText());
      assertFalse(Files.exists(ro.resolve("new.txt")) || Files.exists(ro.resolve("new2.txt")));

      // network: only lo; TCP and UDP towards host servers fail; the proxy tunnel works
      assertEquals("lo", agent(runtime, "ls /sys/class/net").stdoutText().strip());
      String hostIp = hostAddress();
      ExecResult tcpProbe = agent(runtime, "nc -w 3 127.0.0.1 " + tcp.getLocalPort() + " </dev/null; a=$?; "
          + (hostIp == null ? "" : "nc -w 3 " + hostIp + " " + tcp.getLocalPort() + " </dev/null; ") + "echo tcp=$a");
      assertTrue(tcpProbe.stdoutText().contains("tcp=1"), tcpProbe.stdoutText() + tcpProbe.stderrText());
      agent(runtime, "echo ping | nc -u -w 1 127.0.0.1 " + udp.getLocalPort()
          + (hostIp == null ? "" : "; echo ping | nc -u -w 1 " + hostIp + " " + udp.getLocalPort()) + "; true");
      udp.setSoTimeout(1500);
      boolean udpArrived;
      try {
        udp.receive(new DatagramPacket(new byte[64], 64));
        udpArrived = true;
      } catch (SocketTimeoutException e) {
        udpArrived = false;
      }
      assertFalse(udpArrived, "a UDP datagram from the guest reached the host");
      tcp.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, tcp::accept);

      ExecResult env = agent(runtime, "env");
      assertTrue(env.stdoutText().contains("HTTPS_PROXY=http://127.0.0.1:3128"), env.stdoutText());
      assertTrue(env.stdoutText().contains("http_proxy=http://127.0.0.1:3128"), env.stdoutText());
      assertTrue(env.stdoutText().contains("SBX_SENTINEL=proxy-managed"), env.stdoutText());
      assertTrue(agent(runtime, "cat /etc/sbx/ca.pem").stdoutText().contains("MIIBsbxTESTCA"), "CA written to the guest");
      ExecResult allowed = agent(runtime, "printf 'GET http://api.github.com/ HTTP/1.1\\r\\nHost: api.github.com\\r\\n\\r\\n'"
          + " | nc -w 10 127.0.0.1 3128");
      assertTrue(allowed.stdoutText().contains("200 OK") && allowed.stdoutText().contains("hello from proxy"),
          allowed.stdoutText() + allowed.stderrText());
      ExecResult denied = agent(runtime, "printf 'GET http://example.com/ HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n'"
          + " | nc -w 10 127.0.0.1 3128");
      assertTrue(denied.stdoutText().contains("403") && denied.stdoutText().contains("Blocked by network policy"),
          denied.stdoutText());
      assertTrue(proxy.requests.stream().anyMatch(r -> r.contains("api.github.com")), proxy.requests.toString());

      // kit: file, install once, startup every start, failing startup reported
      assertEquals("from the kit\n", agent(runtime, "cat ~/.kitrc").stdoutText());
      assertTrue(runtime.startupLog("life").contains("startup-ran"), runtime.startupLog("life"));
      assertTrue(runtime.inspect("life").orElseThrow().failures().stream()
          .anyMatch(f -> f.contains("kit broken startup") && f.contains("exit code 3")),
          runtime.inspect("life").orElseThrow().failures().toString());

      // stop/start keeps the disk (and home); install does not run again
      assertEquals(0, runtime.run("life", ExecRequest.asRoot("/bin/sh", "-c", "echo kept > /var/lib/sbx/kept.txt"), CMD)
          .exitCode());
      long firstPid = started.pid().orElseThrow();
      runtime.stop("life");
      assertEquals(SandboxState.STOPPED, runtime.inspect("life").orElseThrow().state());
      assertFalse(Processes.isRunning(firstPid, "qemu-system-x86_64"));
      runtime.start("life");
      assertEquals("kept\n", runtime.run("life", ExecRequest.asRoot("cat", "/var/lib/sbx/kept.txt"), CMD).stdoutText());
      assertEquals("x\n", agent(runtime, "cat /var/lib/sbx/install-count $HOME/install-count 2>/dev/null").stdoutText());
      assertEquals("started\nstarted\n", agent(runtime, "cat $HOME/startup-count").stdoutText());
      assertEquals("from the kit\n", agent(runtime, "cat ~/.kitrc").stdoutText());

      // a QEMU killed from outside shows as exited
      long pid = runtime.inspect("life").orElseThrow().pid().orElseThrow();
      new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
      await(() -> runtime.inspect("life").orElseThrow().state() == SandboxState.EXITED, Duration.ofSeconds(10),
          "killed VM shown as exited");

      // rm leaves nothing behind
      Path sandboxDir = runtime.sandboxDir("life");
      runtime.destroy("life");
      assertFalse(Files.exists(sandboxDir));
      Path stateRoot = sandboxDir.getParent();
      try (Stream<Path> left = Files.walk(stateRoot)) {
        assertEquals(List.of(), left.map(p -> stateRoot.relativize(p).toString()).filter(p -> p.contains("life"))
            .toList(), "files left by rm");
      }
      assertTrue(runtime.inspect("life").isEmpty());
      assertTrue(processesMentioning(sandboxDir.toString()).isEmpty(), processesMentioning(sandboxDir.toString()).toString());
      passed = true;
    } finally {
      finish(runtime, dir, passed);
    }
  }

  @Test
  void twoSandboxesRunAtOnceWithoutSeeingEachOther() throws Exception {
    Path dir = VmTestDir.create("two");
    boolean passed = false;
    Path wsA = Files.createDirectories(dir.resolve("wsa"));
    Files.writeString(wsA.resolve("secret-of-a.txt"), "a\n");
    var runtime = runtime(dir.resolve("state"));
    try {
      runtime.create(SandboxSpec.minimal("one").withWorkspace(wsA));
      runtime.create(SandboxSpec.minimal("two"));
      var errors = Collections.synchronizedList(new ArrayList<Throwable>());
      Thread t = new Thread(() -> {
        try {
          runtime.start("two");
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      t.start();
      runtime.start("one");
      t.join(Duration.ofMinutes(4).toMillis());
      assertTrue(errors.isEmpty(), errors.toString());
      assertEquals(2, runtime.list().stream().filter(i -> i.state() == SandboxState.RUNNING).count());
      assertEquals("one", agent(runtime, "one", "hostname").stdoutText().strip());
      ExecResult tty = runtime.run("one", ExecRequest.asAgent("/bin/sh", "-c", "tty; stty size").withTerminal(40, 100),
          CMD);
      assertTrue(tty.stdoutText().startsWith("/dev/pts/") && tty.stdoutText().contains("40 100"), tty.stdoutText());
      assertEquals("two", agent(runtime, "two", "hostname").stdoutText().strip());
      assertEquals("a\n", agent(runtime, "one", "cat " + wsA + "/secret-of-a.txt").stdoutText());
      assertNotEquals(0, agent(runtime, "two", "cat " + wsA + "/secret-of-a.txt").exitCode());
      assertEquals(0, agent(runtime, "one", "echo mine > /tmp/only-here").exitCode());
      assertNotEquals(0, agent(runtime, "two", "cat /tmp/only-here").exitCode());
      // QMP: status, and the ACPI power button reaches QEMU as an event
      try (var qmp = dev.sbx.vm.qemu.QmpClient.connect(runtime.sandboxDir("two").resolve("qmp.sock"),
          Duration.ofSeconds(10))) {
        assertEquals("running", qmp.status(Duration.ofSeconds(10)));
        qmp.systemPowerdown(Duration.ofSeconds(10));
        assertEquals("POWERDOWN", qmp.awaitEvent("POWERDOWN", Duration.ofSeconds(10)).path("event").asString());
      }
      passed = true;
    } finally {
      finish(runtime, dir, passed);
    }
  }

  @Test
  void bootsReliablyOverManyBoots() throws Exception {
    Path dir = VmTestDir.create("boots");
    boolean passed = false;
    var runtime = runtime(dir.resolve("state"));
    int boots = Integer.parseInt(System.getenv().getOrDefault("SBX_IT_BOOTS", "8"));
    try {
      runtime.create(SandboxSpec.minimal("boots"));
      var times = new ArrayList<Long>();
      for (int i = 0; i < boots; i++) {
        long t0 = System.nanoTime();
        runtime.start("boots");
        times.add((System.nanoTime() - t0) / 1_000_000);
        assertEquals("ok\n", agent(runtime, "boots", "echo ok").stdoutText());
        runtime.stop("boots");
      }
      long retries;
      try (Stream<Path> files = Files.list(runtime.sandboxDir("boots"))) {
        retries = files.filter(p -> p.getFileName().toString().startsWith("console.failed-")).count();
      }
      System.out.println("boot times (ms) " + times + ", boots needing a retry: " + retries);
      assertTrue(retries <= boots / 4, "too many boot retries: " + retries + " of " + boots);
      passed = true;
    } finally {
      finish(runtime, dir, passed);
    }
  }

  private static ExecResult agent(MicrovmRuntime runtime, String script) {
    return agent(runtime, "life", script);
  }

  private static ExecResult agent(MicrovmRuntime runtime, String name, String script) {
    return runtime.run(name, ExecRequest.asAgent("/bin/sh", "-c", script), CMD);
  }

  private static void finish(MicrovmRuntime runtime, Path dir, boolean passed) throws IOException {
    for (SandboxInfo info : runtime.list()) {
      if (passed) {
        runtime.destroy(info.name());
      } else {
        runtime.stop(info.name());
      }
    }
    runtime.close();
    VmTestDir.deleteIfPassed(dir, passed);
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(50);
    }
  }

  private static <T extends Throwable> void assertThrows(Class<T> type, ThrowingRunnable body) {
    org.junit.jupiter.api.Assertions.assertThrows(type, body::run);
  }

  private interface ThrowingRunnable {
    void run() throws Throwable;
  }

  /** A non-loopback address of this machine, if it has one. */
  private static String hostAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address) {
            return a.getHostAddress();
          }
        }
      }
    }
    return null;
  }

  private static List<String> processesMentioning(String text) throws IOException {
    var found = new ArrayList<String>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmd.contains(text)) {
            found.add(p.getFileName() + ": " + cmd);
          }
        } catch (IOException ignored) {
          // gone
        }
      }
    }
    return found;
  }
}

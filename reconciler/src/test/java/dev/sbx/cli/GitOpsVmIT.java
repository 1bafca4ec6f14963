package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.image.Files2;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's acceptance with the real parts: the daemon (real Netty proxy, qemu-microvm) follows a
 * real git repository ({@code file://}, JGit). A commit that allows a loopback upstream in the
 * NetworkPolicy reaches the running VM with no restart (same boot id and QEMU pid; the request
 * from inside the guest turns from the proxy's 403 into the upstream's answer), and a commit adding
 * a Sandbox boots it. Everything is checked through the daemon ({@code sbx exec}, {@code sbx
 * status}); {@code sbx source rm --prune} leaves no QEMU process.
 */
@Tag("vm")
class GitOpsVmIT {

  @Test
  void aPolicyCommitReachesTheRunningVmWithoutRestartAndANewSandboxBoots() throws Exception {
    requireVm();
    Path dir = VmTests.scratchDir("go");
    Path state = dir.resolve("s");
    Path log = dir.resolve("daemon.log");
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      byte[] body = "hello from upstream".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    upstream.start();
    int port = upstream.getAddress().getPort();
    GitOpsFleet fleet = new GitOpsFleet(dir);
    Daemon daemon = Daemon.start(state, Daemon.Mode.REAL,
        new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8));
    boolean passed = false;
    try {
      String c1 = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("dev", "team").commit("dev");
      assertEquals(0, sbx(state, "source", "add", "git", "fleet", "--url", fleet.url(), "--path", "fleet",
          "--interval", "1h").exitCode());
      CliRun first = sbx(state, "source", "reconcile", "fleet", "--timeout", "3m");
      assertEquals(0, first.exitCode(), first.out() + first.err() + Files.readString(log));
      assertTrue(first.out().contains(c1), first.out());
      String bootId = exec(state, "cat", "/proc/sys/kernel/random/boot_id").strip();
      assertEquals(36, bootId.length(), bootId);
      long pid = daemon.vmRuntime().orElseThrow().inspect("dev").orElseThrow().pid().orElseThrow();
      String denied = get(state, port);
      assertTrue(denied.contains("403") && denied.contains("Blocked by network policy"), denied);

      // the policy commit: allowed at once, same VM
      String c2 = fleet.policy("team", "deny-all", "api.github.com:443", "127.0.0.1:" + port).commit("upstream");
      CliRun live = sbx(state, "source", "reconcile", "fleet");
      assertEquals(0, live.exitCode(), live.out() + live.err());
      assertTrue(live.out().contains(c2), live.out());
      String allowed = get(state, port);
      assertTrue(allowed.contains("hello from upstream"), allowed);
      assertEquals(bootId, exec(state, "cat", "/proc/sys/kernel/random/boot_id").strip(), "not rebooted");
      assertEquals(pid, daemon.vmRuntime().orElseThrow().inspect("dev").orElseThrow().pid().orElseThrow(),
          "the same QEMU process");

      // a commit adding a Sandbox boots it
      String c3 = fleet.sandbox("extra", "team").commit("extra");
      CliRun add = sbx(state, "source", "reconcile", "fleet", "--timeout", "3m");
      assertEquals(0, add.exitCode(), add.out() + add.err());
      assertTrue(add.out().contains(c3), add.out());
      assertEquals("1000", execIn(state, "extra", "id", "-u").strip());
      CliRun status = sbx(state, "status");
      assertTrue(status.out().lines().anyMatch(l -> l.startsWith("extra ") && l.contains("running")
          && l.contains("InSync")), status.out());

      CliRun rm = sbx(state, "source", "rm", "fleet", "--prune");
      assertEquals(0, rm.exitCode(), rm.out() + rm.err());
      assertTrue(daemon.vmRuntime().orElseThrow().list().isEmpty());
      assertFalse(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
          .map(c -> c.contains("qemu") && c.contains(state.toString())).orElse(false)), "no QEMU process left");
      passed = true;
    } finally {
      try {
        daemon.vmRuntime().ifPresent(v -> v.list().forEach(s -> v.destroy(s.name())));
      } finally {
        daemon.close();
        upstream.stop(0);
        fleet.close();
        if (passed) {
          Files2.deleteTree(dir);
        } else {
          System.err.println("GitOpsVmIT: kept " + dir + "\n" + Files.readString(log));
        }
      }
    }
  }

  static void requireVm() {
    VmTests.requireVm();
  }

  static CliRun sbx(Path state, String... args) {
    return VmTests.sbx(state, args);
  }

  /** {@code sbx exec dev -- ARGV} through the daemon; its stdout. */
  private static String exec(Path state, String... argv) {
    return execIn(state, "dev", argv);
  }

  private static String execIn(Path state, String sandbox, String... argv) {
    String[] all = Stream.concat(Stream.of("exec", "--state-dir", state.toString(), sandbox, "--"), Stream.of(argv))
        .toArray(String[]::new);
    CliRun run = CliRun.withStdio(all);
    assertEquals(0, run.exitCode(), run.err());
    return run.out();
  }

  /** A plain HTTP request from inside the guest through its proxy port (the tunnel to the host proxy). */
  private static String get(Path state, int port) {
    // stdin stays open a while: the proxy takes a client's half-close as the end of the exchange
    return exec(state, "sh", "-c", "(printf 'GET http://127.0.0.1:" + port + "/ HTTP/1.1\\r\\nHost: 127.0.0.1:" + port
        + "\\r\\nConnection: close\\r\\n\\r\\n'; sleep 4) | nc -w 10 127.0.0.1 3128");
  }
}

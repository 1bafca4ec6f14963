package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sbx.egress.api.Rule;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.reconciler.compile.GitOpsDir;
import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.image.Files2;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's acceptance with the real parts: the daemon in this JVM hosts the real Netty proxy and
 * the qemu-microvm runtime; the CLI talks to it over the unix socket. One VM boot for the whole
 * test: apply → allowlist enforced in the guest (an explicit 127.0.0.1 rule reaches a host
 * loopback upstream, anything else gets the proxy's 403); policy edit → diff {@code ~} exit 1,
 * apply in place (same boot id); a rule added by hand → drift, apply removes it; daemon restart
 * re-adopts the VM (egress works again, same boot id); install change → plan {@code -/+};
 * manifest removed → only {@code --prune} deletes the VM and no QEMU process is left.
 */
@Tag("vm")
class ApplyVmIT {

  @Test
  void applyDiffPruneAgainstTheRealProxyAndQemu() throws Exception {
    VmTests.requireVm();
    Path dir = VmTests.scratchDir("ap");
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
    String allowUpstream = "127.0.0.1:" + port;
    GitOpsDir gitops = new GitOpsDir(dir.resolve("gitops"));
    gitops.policy("team", "deny-all", allowUpstream);
    gitops.sandbox("dev", "team", 1, "512m"); // one vCPU: TCG boots fastest on a loaded machine
    Files.createDirectories(gitops.root.resolve("ws-dev"));
    PrintStream daemonLog = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
    Daemon daemon = Daemon.start(state, Daemon.Mode.REAL, daemonLog);
    boolean passed = false;
    try {
      String root = gitops.root.toString();
      CliRun apply = sbx(state, "apply", "-f", root);
      assertEquals(0, apply.exitCode(), apply.out() + apply.err());
      SandboxRuntime vm = daemon.vmRuntime().orElseThrow();
      String bootId = bootId(vm);

      String allowed = get(vm, "127.0.0.1", port);
      assertTrue(allowed.contains("hello from upstream"), "allowed through the guest proxy: " + allowed);
      String denied = get(vm, "example.com", 80);
      assertTrue(denied.contains("403") && denied.contains("Blocked by network policy"), denied);
      assertTrue(exec(vm, "cat /home/agent/notes.txt").contains("hello v1"), "kit file in the guest");
      // the imperative verbs reach the VM the daemon holds through its API
      CliRun id = CliRun.withStdio("exec", "--state-dir", state.toString(), "dev", "--", "id", "-u");
      assertEquals(0, id.exitCode(), id.err());
      assertEquals("1000", id.out().strip(), id.out() + id.err());
      CliRun code = CliRun.withStdio("exec", "--state-dir", state.toString(), "dev", "--", "sh", "-c", "exit 7");
      assertEquals(7, code.exitCode(), code.err());
      assertTrue(sbx(state, "ls").out().lines().anyMatch(l -> l.startsWith("dev ") && l.contains("running")));
      assertEquals(0, sbx(state, "diff", "-f", root, "--exit-code").exitCode());

      // policy edit: a live update, no reboot
      gitops.policy("team", "deny-all", allowUpstream, "crates.io:443");
      CliRun live = sbx(state, "diff", "-f", root, "--exit-code");
      assertEquals(1, live.exitCode(), live.out());
      assertTrue(live.out().contains("~ sandbox dev") && live.out().contains("crates.io:443"), live.out());
      assertEquals(0, sbx(state, "apply", "-f", root).exitCode());
      assertEquals(bootId, bootId(vm), "the VM was not rebooted");
      assertTrue(rules(daemon).contains("crates.io:443"), rules(daemon).toString());
      assertTrue(get(vm, "127.0.0.1", port).contains("hello from upstream"));

      // a rule added by hand is drift; apply removes it
      new ApiClient(Daemon.socket(state)).call("POST", "/v1/egress/allow",
          "{\"sandbox\":\"dev\",\"rule\":\"hand.example.com\"}");
      assertTrue(rules(daemon).contains("hand.example.com"));
      CliRun drift = sbx(state, "diff", "-f", root, "--exit-code");
      assertEquals(1, drift.exitCode(), drift.out());
      assertTrue(drift.out().contains("hand.example.com"), drift.out());
      assertEquals(0, sbx(state, "apply", "-f", root).exitCode());
      assertFalse(rules(daemon).contains("hand.example.com"), rules(daemon).toString());
      assertEquals(bootId, bootId(vm));

      // a restarted daemon re-adopts the running VM: listener and rules back, same boot
      daemon.close();
      daemon = Daemon.start(state, Daemon.Mode.REAL, daemonLog);
      vm = daemon.vmRuntime().orElseThrow();
      assertEquals(bootId, bootId(vm), "re-adopted, not rebooted");
      assertTrue(get(vm, "127.0.0.1", port).contains("hello from upstream"), "egress works after re-adoption");
      assertEquals(0, sbx(state, "diff", "-f", root, "--exit-code").exitCode());

      // install command changed: replace
      gitops.kit("tools", "echo install-v2", "hello v1");
      CliRun replace = sbx(state, "plan", "-f", root);
      assertTrue(replace.out().contains("-/+ sandbox dev"), replace.out());
      gitops.kit("tools", "echo install-v1", "hello v1");

      // manifest removed: only --prune deletes the VM
      gitops.delete("sandbox-dev.yaml");
      CliRun keep = sbx(state, "apply", "-f", root, "--allow-empty-source");
      assertEquals(0, keep.exitCode(), keep.err());
      assertEquals(1, vm.list().size(), "without --prune the VM stays");
      CliRun prune = sbx(state, "apply", "-f", root, "--prune", "--allow-empty-source");
      assertEquals(0, prune.exitCode(), prune.out() + prune.err());
      assertTrue(vm.list().isEmpty(), vm.list().toString());
      assertFalse(qemuRunningFor(state), "no QEMU process left for this state directory");
      passed = true;
    } finally {
      try {
        daemon.vmRuntime().ifPresent(v -> v.list().forEach(s -> v.destroy(s.name())));
      } finally {
        daemon.close();
        upstream.stop(0);
        if (passed) {
          Files2.deleteTree(dir);
        } else {
          System.err.println("ApplyVmIT: kept " + dir + "\n" + Files.readString(log));
        }
      }
    }
  }

  private static CliRun sbx(Path state, String... args) {
    return VmTests.sbx(state, args);
  }

  private static String exec(SandboxRuntime vm, String shell) {
    ExecResult r = vm.run("dev", ExecRequest.asAgent("sh", "-c", shell), Duration.ofSeconds(60));
    return r.stdoutText() + r.stderrText();
  }

  private static String bootId(SandboxRuntime vm) {
    String id = exec(vm, "cat /proc/sys/kernel/random/boot_id").strip();
    assertEquals(36, id.length(), id);
    return id;
  }

  /** A plain HTTP request through the guest's proxy port (the tunnel to the host proxy). */
  private static String get(SandboxRuntime vm, String host, int port) {
    // stdin stays open a while: the proxy takes a client's half-close as the end of the exchange
    return exec(vm, "(printf 'GET http://" + host + ":" + port + "/ HTTP/1.1\\r\\nHost: " + host + ":" + port
        + "\\r\\nConnection: close\\r\\n\\r\\n'; sleep 4) | nc -w 10 127.0.0.1 3128");
  }

  private static List<String> rules(Daemon daemon) {
    return daemon.proxy().orElseThrow().rules(SandboxId.of("dev")).orElseThrow().allow().stream()
        .map(Rule::toString).toList();
  }

  private static boolean qemuRunningFor(Path state) {
    return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
        .map(c -> c.contains("qemu") && c.contains(state.toString())).orElse(false));
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.reconciler.compile.GitOpsDir;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.image.Files2;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sbx run/create} and {@code sbx policy} with the real parts: the daemon in this JVM hosts
 * the real Netty proxy and the qemu-microvm runtime, the CLI talks to it over the unix socket, and
 * the guest's {@code wget} goes through its proxy tunnel to a loopback HTTP server on the host.
 * Two boots in all: an imperative sandbox ({@code sbx run … -d}; policy allow 403 → 200 with the
 * same boot, log counts, deny, rm, set-default) and an applied one (policy allow is drift: {@code
 * sbx diff --exit-code} exits 1 naming the command, apply reverts it, the guest is blocked again).
 */
@Tag("vm")
class PolicyVmIT {

  @Test
  void policyVerbsAndCreateRunThroughTheDaemonAgainstRealQemuAndProxy() throws Exception {
    VmTests.requireVm();
    Path dir = VmTests.scratchDir("po");
    Path state = dir.resolve("s");
    Path log = dir.resolve("daemon.log");
    Path ws = Files.createDirectories(dir.resolve("ws"));
    AtomicInteger served = new AtomicInteger();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      served.incrementAndGet();
      byte[] body = "hello from upstream".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    upstream.start();
    int port = upstream.getAddress().getPort();
    String rule = "127.0.0.1:" + port;
    PrintStream daemonLog = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
    Daemon daemon = Daemon.start(state, Daemon.Mode.REAL, daemonLog);
    boolean passed = false;
    try {
      // sbx run through the daemon: created with an egress endpoint and the default policy, owner cli
      CliRun run = runWithStdin("http_proxy=http://127.0.0.1:3128 wget -q -O- http://127.0.0.1:" + port + "/ 2>&1; echo exit=$?\n",
          "run", "shell", ws.toString(), "--name", "cli", "-m", "512m", "--state-dir", state.toString());
      assertEquals(0, run.exitCode(), run.out() + run.err());
      assertTrue(run.out().contains("403"), "balanced does not open loopback: " + run.out());
      JsonNode ls = JsonMapper.shared().readTree(sbx(state, "ls", "-o", "json").out());
      assertEquals("cli", ls.get(0).get("managedBy").asString(), ls.toString());
      assertEquals("running", ls.get(0).get("state").asString());
      assertEquals("balanced", daemon.proxy().orElseThrow().rules(SandboxId.of("cli")).orElseThrow().mode().text());
      SandboxRuntime vm = daemon.vmRuntime().orElseThrow();
      String boot = bootId(vm, "cli");

      assertEquals(0, sbx(state, "policy", "allow", "cli", rule).exitCode());
      assertEquals("hello from upstream", wget(vm, "cli", port), "allowed at once");
      assertEquals("hello from upstream", wget(vm, "cli", port));
      assertEquals(boot, bootId(vm, "cli"), "no restart");
      assertEquals(2, served.get());

      JsonNode rows = JsonMapper.shared().readTree(sbx(state, "policy", "log", "cli", "-o", "json").out()).get("rows");
      assertEquals("deny", rows.get(0).get("decision").asString(), rows.toString());
      assertEquals(1, rows.get(0).get("count").asLong(), rows.toString());
      assertEquals("allow", rows.get(1).get("decision").asString(), rows.toString());
      assertEquals(2, rows.get(1).get("count").asLong(), rows.toString());
      assertEquals(rule, rows.get(1).get("rule").asString());
      assertTrue(sbx(state, "policy", "log").out().lines()
          .anyMatch(l -> l.matches("cli\\s+127\\.0\\.0\\.1\\s+" + port + "\\s+\\S+\\s+allow\\s+2\\s+.*")));

      assertEquals(0, sbx(state, "policy", "deny", "cli", "127.0.0.1").exitCode());
      assertTrue(wget(vm, "cli", port).contains("403"), "deny wins");
      assertEquals(0, sbx(state, "policy", "rm", "cli", "127.0.0.1").exitCode());
      assertEquals("hello from upstream", wget(vm, "cli", port), "rm lifts the deny");
      assertEquals(0, sbx(state, "policy", "set-default", "cli", "deny-all").exitCode());
      assertEquals("deny-all", daemon.proxy().orElseThrow().rules(SandboxId.of("cli")).orElseThrow().mode().text());
      assertEquals("hello from upstream", wget(vm, "cli", port), "its own allow rules stay under deny-all");
      assertEquals(0, sbx(state, "rm", "cli").exitCode());
      assertTrue(daemon.proxy().orElseThrow().rules(SandboxId.of("cli")).isEmpty(), "sbx rm drops its rules");

      // an applied sandbox: policy allow is drift, shown by diff and reverted by apply
      GitOpsDir gitops = new GitOpsDir(dir.resolve("gitops"));
      gitops.sandbox("dev", "team", 1, "512m");
      Files.createDirectories(gitops.root.resolve("ws-dev"));
      String root = gitops.root.toString();
      CliRun apply = sbx(state, "apply", "-f", root);
      assertEquals(0, apply.exitCode(), apply.out() + apply.err());
      assertTrue(wget(vm, "dev", port).contains("403"));
      assertEquals(0, sbx(state, "policy", "allow", "dev", rule).exitCode());
      assertEquals("hello from upstream", wget(vm, "dev", port));
      CliRun diff = sbx(state, "diff", "-f", root, "--exit-code");
      assertEquals(1, diff.exitCode(), diff.out());
      assertTrue(diff.out().contains("changed outside git: allow " + rule + " added by sbx policy allow"), diff.out());
      JsonNode dev = JsonMapper.shared().readTree(sbx(state, "ls", "-o", "json").out()).get(0);
      assertTrue(dev.get("drift").asBoolean(), dev.toString());
      assertEquals(0, sbx(state, "apply", "-f", root).exitCode());
      assertEquals(0, sbx(state, "diff", "-f", root, "--exit-code").exitCode());
      assertTrue(wget(vm, "dev", port).contains("403"), "apply reverted the hand-made allow");
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
          System.err.println("PolicyVmIT: kept " + dir + "\n" + Files.readString(log));
        }
      }
    }
  }

  private static CliRun sbx(Path state, String... args) {
    return VmTests.sbx(state, args);
  }

  private static CliRun runWithStdin(String stdin, String... args) {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      return CliRun.withStdio(args);
    } finally {
      System.setIn(saved);
    }
  }

  private static String exec(SandboxRuntime vm, String sandbox, String shell) {
    ExecResult r = vm.run(sandbox, ExecRequest.asAgent("sh", "-c", shell), Duration.ofSeconds(60));
    return (r.stdoutText() + r.stderrText()).strip();
  }

  /** The guest's busybox wget through its proxy port (the tunnel to the host proxy). */
  private static String wget(SandboxRuntime vm, String sandbox, int port) {
    return exec(vm, sandbox, "http_proxy=http://127.0.0.1:3128 wget -q -O- http://127.0.0.1:" + port + "/ 2>&1");
  }

  private static String bootId(SandboxRuntime vm, String sandbox) {
    String id = exec(vm, sandbox, "cat /proc/sys/kernel/random/boot_id");
    assertEquals(36, id.length(), id);
    return id;
  }
}

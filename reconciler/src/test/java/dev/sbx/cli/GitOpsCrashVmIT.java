package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.gitops.Await;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.image.Files2;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code kill -9} of the daemon while its controller reconciles a git source with two sandboxes:
 * the daemon runs as its own detached process (as the CLI starts it), is killed as soon as the
 * first VM start is journaled, and a new daemon (started from the persisted {@code sources.json})
 * converges: the source Ready at the commit, exactly one QEMU process per sandbox, each answering;
 * {@code sbx source rm --prune} then leaves none.
 */
@Tag("vm")
class GitOpsCrashVmIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void killedDaemonMidReconcileConvergesWithoutOrphansOrDuplicates() throws Exception {
    GitOpsVmIT.requireVm();
    Path dir = Files.createDirectories(Path.of("target", "vm-it").toAbsolutePath()
        .resolve("gc-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36)));
    Path state = dir.resolve("s");
    GitOpsFleet fleet = new GitOpsFleet(dir);
    Daemon daemon = null;
    boolean passed = false;
    try {
      String c1 = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("one", "team")
          .sandbox("two", "team").commit("two sandboxes");
      DaemonLauncher.connect(state); // a detached daemon process, as the CLI starts it
      long daemonPid = Long.parseLong(Files.readString(state.resolve("daemon.pid")).strip());
      assertEquals(0, GitOpsVmIT.sbx(state, "source", "add", "git", "fleet", "--url", fleet.url(), "--path", "fleet",
          "--interval", "1h").exitCode());
      Path journal = state.resolve("reconciler/journal.jsonl");
      Await.until(Duration.ofMinutes(2), () -> read(journal).contains("\"action\":\"vm.start\""),
          () -> "the controller never reached vm.start: " + read(state.resolve("daemon.log")));
      ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroyForcibly); // kill -9 mid-reconcile
      Await.until(Duration.ofSeconds(30), () -> ProcessHandle.of(daemonPid).map(p -> !p.isAlive()).orElse(true),
          () -> "daemon " + daemonPid + " still alive");

      daemon = Daemon.start(state, Daemon.Mode.REAL,
          new PrintStream(Files.newOutputStream(dir.resolve("daemon2.log")), true, StandardCharsets.UTF_8));
      Await.until(Duration.ofMinutes(4), () -> ready(state, c1), () -> statusText(state));
      var vm = daemon.vmRuntime().orElseThrow();
      assertEquals(List.of("one", "two"), vm.list().stream().map(SandboxInfo::name).sorted().toList());
      assertEquals(2, qemuProcesses(state), "one QEMU process per sandbox: no orphan, no duplicate");
      for (String name : List.of("one", "two")) {
        assertEquals(0, vm.run(name, ExecRequest.asAgent("true"), Duration.ofSeconds(60)).exitCode());
      }

      CliRun rm = GitOpsVmIT.sbx(state, "source", "rm", "fleet", "--prune");
      assertEquals(0, rm.exitCode(), rm.out() + rm.err());
      assertEquals(0, qemuProcesses(state), "no QEMU process left");
      passed = true;
    } finally {
      if (daemon != null) {
        daemon.vmRuntime().ifPresent(v -> v.list().forEach(s -> v.destroy(s.name())));
        daemon.close();
      }
      ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(state.toString()))
          .orElse(false)).forEach(ProcessHandle::destroyForcibly);
      fleet.close();
      if (passed) {
        Files2.deleteTree(dir);
      } else {
        System.err.println("GitOpsCrashVmIT: kept " + dir);
      }
    }
  }

  private static boolean ready(Path state, String revision) {
    CliRun run = CliRun.of("status", "-o", "json", "--state-dir", state.toString());
    if (run.exitCode() != 0) {
      return false;
    }
    JsonNode source = JSON.readTree(run.out()).get("sources").get(0);
    if (source == null || !source.get("lastAppliedRevision").asString().equals(revision)) {
      return false;
    }
    for (JsonNode c : source.get("conditions")) {
      if (c.get("type").asString().equals("Ready")) {
        return c.get("status").asString().equals("True");
      }
    }
    return false;
  }

  private static String statusText(Path state) {
    return CliRun.of("status", "--state-dir", state.toString()).out();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static long qemuProcesses(Path state) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
        .map(c -> c.contains("qemu-system") && c.contains(state.toString())).orElse(false)).count();
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.compile.GitOpsDir;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.image.Files2;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} in the middle of an apply: the CLI starts the daemon on demand (a detached
 * process), the daemon is killed while the VM boots, and the next apply (a new daemon) converges
 * with exactly one QEMU process; pruning leaves none.
 */
@Tag("vm")
class ApplyCrashVmIT {

  @Test
  void killedDaemonMidApplyConvergesWithoutOrphans() throws Exception {
    VmTests.requireVm();
    Path dir = VmTests.scratchDir("cr");
    Path state = dir.resolve("s");
    GitOpsDir gitops = new GitOpsDir(dir.resolve("gitops"));
    gitops.sandbox("dev", "team", 1, "512m");
    Files.createDirectories(gitops.root.resolve("ws-dev"));
    String root = gitops.root.toString();
    Daemon daemon = null;
    boolean passed = false;
    try {
      DaemonLauncher.connect(state); // a detached daemon process, as the CLI starts it
      long daemonPid = Long.parseLong(Files.readString(state.resolve("daemon.pid")).strip());
      CompletableFuture<CliRun> apply = CompletableFuture.supplyAsync(() -> sbx(state, "apply", "-f", root));
      Path journal = state.resolve("reconciler/journal.jsonl");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!(Files.exists(journal) && Files.readString(journal).contains("\"action\":\"vm.start\""))) {
        assertTrue(System.nanoTime() < deadline, "apply never reached vm.start");
        Thread.sleep(50);
      }
      Thread.sleep(500); // QEMU is being launched / booting now
      ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroyForcibly); // kill -9
      CliRun killed = apply.get(60, TimeUnit.SECONDS);
      assertNotEquals(0, killed.exitCode(), "the interrupted apply reports a failure: " + killed.err());

      daemon = Daemon.start(state, Daemon.Mode.REAL,
          new PrintStream(Files.newOutputStream(dir.resolve("daemon2.log")), true, StandardCharsets.UTF_8));
      CliRun again = sbx(state, "apply", "-f", root);
      assertEquals(0, again.exitCode(), again.out() + again.err());
      assertEquals(0, sbx(state, "diff", "-f", root, "--exit-code").exitCode());
      assertEquals(1, qemuProcesses(state), "exactly one VM after converging");
      var vm = daemon.vmRuntime().orElseThrow();
      assertEquals(0, vm.run("dev", ExecRequest.asAgent("true"), Duration.ofSeconds(60)).exitCode());

      gitops.delete("sandbox-dev.yaml");
      assertEquals(0, sbx(state, "apply", "-f", root, "--prune", "--allow-empty-source").exitCode());
      assertEquals(0, qemuProcesses(state), "no QEMU process left");
      passed = true;
    } finally {
      if (daemon != null) {
        daemon.vmRuntime().ifPresent(v -> v.list().forEach(s -> v.destroy(s.name())));
        daemon.close();
      }
      ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(state.toString()))
          .orElse(false)).forEach(ProcessHandle::destroyForcibly);
      if (passed) {
        Files2.deleteTree(dir);
      } else {
        System.err.println("ApplyCrashVmIT: kept " + dir);
      }
    }
  }

  private static CliRun sbx(Path state, String... args) {
    return VmTests.sbx(state, args);
  }

  private static long qemuProcesses(Path state) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
        .map(c -> c.contains("qemu-system") && c.contains(state.toString())).orElse(false)).count();
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.compile.GitOpsDir;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.daemon.DaemonException;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sbx apply/diff/plan} end to end through the real local API (unix socket) of an
 * in-process daemon with in-memory actuators; the VM test ({@code ApplyVmIT}) does the same with
 * the real proxy and QEMU.
 */
class ReconcileCommandsTest {
  @TempDir Path tmp;
  private Path state;
  private GitOpsDir dir;
  private Daemon daemon;
  /** Stands for the VM runtime the daemon holds (the in-memory world has no guest to exec in). */
  private FakeSandboxRuntime vm;

  @BeforeEach
  void start() {
    state = tmp.resolve("state");
    dir = new GitOpsDir(tmp.resolve("gitops"));
    vm = new FakeSandboxRuntime();
    daemon = Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(OutputStream.nullOutputStream()), vm);
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  private CliRun sbx(String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--state-dir", state.toString())).toArray(String[]::new);
    CliRun run = CliRun.of(all);
    assertFalse(run.hasStackTrace(), run.err());
    return run;
  }

  @Test
  void applyThenInSyncThenLiveUpdateThenReplace() {
    CliRun diff = sbx("diff", "-f", dir.root.toString(), "--exit-code");
    assertEquals(1, diff.exitCode(), diff.out());
    assertTrue(diff.out().contains("+ sandbox dev"), diff.out());

    CliRun apply = sbx("apply", "-f", dir.root.toString());
    assertEquals(0, apply.exitCode(), apply.err());
    assertTrue(apply.out().contains("Apply complete"), apply.out());
    assertEquals(0, sbx("diff", "-f", dir.root.toString(), "--exit-code").exitCode());

    dir.policy("team", "deny-all", "api.github.com:443", "*.crates.io");
    CliRun live = sbx("diff", "-f", dir.root.toString(), "--exit-code");
    assertEquals(1, live.exitCode());
    assertTrue(live.out().contains("~ sandbox dev"), live.out());
    assertTrue(live.out().contains("*.crates.io"), live.out());
    assertEquals(0, sbx("apply", "-f", dir.root.toString()).exitCode());
    assertEquals(0, sbx("diff", "-f", dir.root.toString(), "--exit-code").exitCode());

    dir.kit("tools", "echo install-v2", "hello v1");
    CliRun replace = sbx("plan", "-f", dir.root.toString());
    assertEquals(0, replace.exitCode());
    assertTrue(replace.out().contains("-/+ sandbox dev"), replace.out());
    assertTrue(replace.out().contains("install"), replace.out());
  }

  @Test
  void jsonPlanSavedPlanAndStalePlan() throws IOException {
    CliRun json = sbx("diff", "-f", dir.root.toString(), "-o", "json");
    assertTrue(json.out().replace(" ", "").contains("\"formatVersion\":1"), json.out());

    Path plan = tmp.resolve("plan.json");
    assertEquals(0, sbx("plan", "-f", dir.root.toString(), "-o", plan.toString()).exitCode());
    assertTrue(Files.readString(plan).replace(" ", "").contains("\"action\":\"create\""));
    CliRun applied = sbx("apply", plan.toString());
    assertEquals(0, applied.exitCode(), applied.err());
    assertEquals(0, sbx("diff", "-f", dir.root.toString(), "--exit-code").exitCode());

    CliRun stale = sbx("apply", plan.toString());
    assertEquals(2, stale.exitCode(), stale.out() + stale.err());
    assertTrue(stale.err().contains("sbx plan again"), stale.err());

    Files.writeString(plan, "{\"formatVersion\":9}");
    assertEquals(2, sbx("apply", plan.toString()).exitCode());
  }

  @Test
  void removedManifestIsDeletedOnlyWithPrune() {
    dir.sandbox("other", "team");
    assertEquals(0, sbx("apply", "-f", dir.root.toString()).exitCode());
    dir.delete("sandbox-other.yaml");
    CliRun noPrune = sbx("apply", "-f", dir.root.toString());
    assertEquals(0, noPrune.exitCode());
    assertFalse(noPrune.out().contains("- sandbox other"), noPrune.out());
    CliRun prune = sbx("apply", "-f", dir.root.toString(), "--prune", "--dry-run");
    assertTrue(prune.out().contains("- sandbox other"), prune.out());
    assertEquals(0, sbx("apply", "-f", dir.root.toString(), "--prune").exitCode());
    assertEquals(0, sbx("diff", "-f", dir.root.toString(), "--prune", "--exit-code").exitCode());
  }

  @Test
  void badInputIsExitTwoAndChangesNothing() throws IOException {
    assertEquals(0, sbx("apply", "-f", dir.root.toString()).exitCode());
    String before = listing(state);
    dir.policy("team", "deny-all", "api.github.com:443", "*.crates.io");
    dir.write("zz-broken.yaml", "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: bad}\nspec:\n  agent: shell\n"
        + "  policy: missing\n");
    CliRun run = sbx("apply", "-f", dir.root.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("zz-broken.yaml:6:3"), run.err());
    assertTrue(run.err().contains("hint:"), run.err());
    assertEquals(before, listing(state), "nothing in the state directory changed");
    dir.delete("zz-broken.yaml");
    CliRun still = sbx("diff", "-f", dir.root.toString(), "--exit-code");
    assertEquals(1, still.exitCode(), "the world still has the old policy: " + still.out());
  }

  @Test
  void lsThroughTheDaemonListsItsRuntimesSandboxes() {
    vm.create(SandboxSpec.minimal("dev").withOwner("gitops", "h1"));
    vm.start("dev");
    CliRun json = sbx("ls", "-o", "json");
    assertEquals(0, json.exitCode(), json.err());
    String compact = json.out().replace(" ", "");
    assertTrue(compact.contains("\"name\":\"dev\""), json.out());
    assertTrue(compact.contains("\"status\":\"running\""), json.out());
    assertTrue(compact.contains("\"specHash\":\"h1\""), json.out());
    CliRun table = sbx("ls");
    assertTrue(table.out().lines().anyMatch(l -> l.startsWith("dev ") && l.contains("running")), table.out());
    CliRun logs = sbx("logs", "dev");
    assertEquals(0, logs.exitCode(), logs.err());
    assertTrue(logs.out().contains("fake boot of dev"), logs.out());
  }

  @Test
  void execThroughTheDaemonPassesOutputAndExitCode() {
    vm.create(SandboxSpec.minimal("dev"));
    vm.start("dev");
    List<ExecRequest> seen = new CopyOnWriteArrayList<>();
    vm.onExec(r -> {
      seen.add(r);
      return new ExecResult(ExitStatus.exited(7), "out\u00e9\n".getBytes(StandardCharsets.UTF_8),
          "err\n".getBytes(StandardCharsets.UTF_8));
    });
    CliRun run = CliRun.withStdio("exec", "--state-dir", state.toString(), "dev", "--", "sh", "-c", "exit 7");
    assertEquals(7, run.exitCode(), run.err());
    assertEquals("out\u00e9\n", run.out());
    assertEquals("err\n", run.err());
    assertEquals(List.of("sh", "-c", "exit 7"), seen.get(0).argv());
    assertEquals(1000, seen.get(0).uid(), "the sandbox user unless -u");
    assertTrue(vm.calls().contains("exec dev sh -c exit 7"), vm.calls().toString());
  }

  @Test
  void stopAndRmThroughTheDaemonReachItsRuntime() {
    vm.create(SandboxSpec.minimal("dev"));
    vm.start("dev");
    CliRun stop = sbx("stop", "dev");
    assertEquals(0, stop.exitCode(), stop.err());
    assertTrue(vm.calls().contains("stop dev"), vm.calls().toString());
    CliRun rm = sbx("rm", "dev");
    assertEquals(0, rm.exitCode(), rm.err());
    assertTrue(vm.inspect("dev").isEmpty(), "removed from the daemon's runtime");
    CliRun again = sbx("rm", "dev");
    assertEquals(2, again.exitCode(), again.err());
    assertEquals(1, again.err().lines().count(), again.err());
  }

  @Test
  void unknownSandboxThroughTheDaemonIsExitTwoWithOneMessage() {
    CliRun run = CliRun.withStdio("exec", "--state-dir", state.toString(), "nope", "--", "true");
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("", run.out());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("sbx: ") && run.err().contains("nope"), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    CliRun logs = sbx("logs", "nope");
    assertEquals(2, logs.exitCode(), logs.err());
    assertEquals(1, logs.err().lines().count(), logs.err());
  }

  @Test
  void secondDaemonOnTheSameStateRefuses() {
    DaemonException e = assertThrows(DaemonException.class,
        () -> Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(OutputStream.nullOutputStream())));
    assertEquals(4, e.exitCode());
    assertTrue(e.getMessage().contains("another sbx daemon"), e.getMessage());
  }

  @Test
  void missingDirectoryIsExitTwo() {
    CliRun run = sbx("diff", "-f", tmp.resolve("nope").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no such file or directory"), run.err());
  }

  /** Every file of the state directory with its size and content digest (sockets and locks aside). */
  private static String listing(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("daemon."))
          .sorted().map(p -> {
            try {
              return root.relativize(p) + " " + java.util.Arrays.hashCode(Files.readAllBytes(p));
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).collect(Collectors.joining("\n"));
    }
  }
}

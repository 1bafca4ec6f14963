package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The sandbox subcommands against the in-memory runtime (the VM path is in SandboxCliIT). */
class SandboxCommandsTest {
  private final FakeSandboxRuntime runtime = new FakeSandboxRuntime();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path workspace;

  @BeforeEach
  void useFake() {
    SandboxRuntimes.override(() -> runtime);
  }

  @AfterEach
  void reset() {
    SandboxRuntimes.reset();
  }

  private int sbx(String... args) {
    CommandLine cli = Sbx.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void createShellThenListShowsItRunningWithItsWorkspace() {
    assertEquals(0, sbx("create", "shell", workspace.toString(), "--name", "dev", "--cpus", "2", "-m", "2g"), err.toString());
    var info = runtime.inspect("dev").orElseThrow();
    assertEquals(2, info.cpus());
    assertEquals(2048, info.memoryMib());
    assertEquals("shell", info.labels().get("agent"));
    assertEquals(0, sbx("ls"));
    assertTrue(out.toString().contains("SANDBOX"), out.toString());
    assertTrue(out.toString().matches("(?s).*dev\\s+shell\\s+running\\s+cli\\s+no\\s+2\\s+2048MiB\\s+-\\s+" + workspace + ".*"),
        out.toString());
    assertEquals(0, sbx("ls", "-o", "json"));
    assertTrue(out.toString().contains("\"status\" : \"running\""), out.toString());
  }

  @Test
  void aVmThatDiedShowsAsExited() {
    sbx("create", "shell", workspace.toString(), "--name", "dev");
    runtime.crash("dev");
    assertEquals(0, sbx("ls"));
    assertTrue(out.toString().matches("(?s).*dev\\s+shell\\s+exited.*"), out.toString());
  }

  @Test
  void defaultNameComesFromAgentAndDirectory() {
    assertEquals("shell-my-project", SandboxCreateCommand.defaultName("shell", Path.of("/src/My Project")));
    assertEquals(512, SandboxCreateCommand.parseMemory("512m"));
    assertEquals(1024, SandboxCreateCommand.parseMemory("1g"));
  }

  @Test
  void unknownAgentKitsAndBadSizesAreUsageErrors() {
    assertEquals(2, sbx("create", "claude", workspace.toString()));
    assertTrue(err.toString().contains("only 'shell'"), err.toString());
    assertEquals(2, sbx("create", "shell", workspace.toString(), "--kit", "./kits/rust"));
    assertEquals(2, sbx("create", "shell", workspace.toString(), "-m", "lots"));
    assertEquals(2, sbx("create", "shell", workspace.resolve("missing").toString()));
    assertTrue(runtime.list().isEmpty());
  }

  @Test
  void execPassesTheExitCodeThrough() {
    runtime.onExec(r -> new ExecResult(ExitStatus.exited(7), new byte[0], new byte[0]));
    sbx("create", "shell", workspace.toString(), "--name", "dev");
    assertEquals(7, sbx("exec", "dev", "--", "sh", "-c", "exit 7"));
    assertTrue(runtime.calls().contains("exec dev sh -c exit 7"), runtime.calls().toString());
  }

  @Test
  void runCreatesStartsAndAttachesAShellPassingItsExitCode() {
    runtime.onExec(r -> new ExecResult(ExitStatus.exited(3), new byte[0], new byte[0]));
    assertEquals(3, sbx("run", "shell", workspace.toString(), "--name", "dev"));
    assertTrue(runtime.calls().containsAll(java.util.List.of("create dev", "start dev", "exec dev /bin/sh -l")),
        runtime.calls().toString());
    runtime.stop("dev");
    assertEquals(3, sbx("run", "shell", workspace.toString(), "--name", "dev"));
    assertEquals("RUNNING", runtime.inspect("dev").orElseThrow().state().name(), "run starts a stopped sandbox");
  }

  @Test
  void stopRmAndMissingSandboxes() {
    sbx("create", "shell", workspace.toString(), "--name", "dev");
    assertEquals(0, sbx("stop", "dev"));
    assertEquals("STOPPED", runtime.inspect("dev").orElseThrow().state().name());
    assertEquals(0, sbx("rm", "dev"));
    assertTrue(runtime.list().isEmpty());
    assertEquals(2, sbx("rm", "dev"));
    assertTrue(err.toString().contains("no such sandbox"), err.toString());
    assertEquals(2, sbx("logs", "nope"));
  }
}

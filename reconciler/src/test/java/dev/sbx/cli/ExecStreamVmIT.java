package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.daemon.ExecFrame;
import dev.sbx.reconciler.daemon.ExecStreamProtocol;
import dev.sbx.vm.api.SandboxSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The interactive exec against a real QEMU microVM through the real daemon (one VM for the
 * class): stdin streamed to {@code cat} echoes chunk by chunk before stdin closes, exit codes pass
 * through, a {@code -t} exec has a terminal of the size sent, and {@code sbx exec -it SANDBOX -- sh}
 * (the built jar) works in a real terminal (tmux) and leaves it restored.
 */
@Tag("vm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecStreamVmIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SANDBOX = "ex";
  private Path state;
  private Daemon daemon;

  @BeforeAll
  void boot() throws Exception {
    VmTests.requireVm();
    Path dir = VmTests.scratchDir("ex");
    state = dir.resolve("s");
    PrintStream log = new PrintStream(Files.newOutputStream(dir.resolve("daemon.log")), true, StandardCharsets.UTF_8);
    daemon = Daemon.start(state, Daemon.Mode.REAL, log);
    var vm = daemon.vmRuntime().orElseThrow();
    vm.create(SandboxSpec.minimal(SANDBOX));
    vm.start(SANDBOX);
  }

  @AfterAll
  void shutdown() {
    if (daemon != null) {
      try {
        daemon.vmRuntime().orElseThrow().destroy(SANDBOX);
      } finally {
        daemon.close();
      }
    }
  }

  @Test
  void catEchoesEachChunkBeforeTheNextIsSent() throws Exception {
    try (LiveCli cli = new LiveCli("exec", "-i", "--state-dir", state.toString(), SANDBOX, "--", "cat")) {
      cli.type("chunk-one\n");
      ExecStreamIT.await("the first echo from the guest", () -> cli.out().contains("chunk-one\n"));
      assertFalse(cli.out().contains("chunk-two"));
      cli.type("chunk-two\n");
      ExecStreamIT.await("the second echo from the guest", () -> cli.out().contains("chunk-one\nchunk-two\n"));
      cli.stdin.close();
      assertEquals(0, cli.exitCode(), cli.err.toString(StandardCharsets.UTF_8));
      assertEquals("chunk-one\nchunk-two\n", cli.out());
    }
  }

  @Test
  void exitCodesAndSignalsPassThrough() {
    CliRun seven = CliRun.withStdio("exec", "--state-dir", state.toString(), SANDBOX, "--", "sh", "-c", "exit 7");
    assertEquals(7, seven.exitCode(), seven.err());
    CliRun killed = CliRun.withStdio("exec", "--state-dir", state.toString(), SANDBOX, "--", "sh", "-c", "kill -9 $$");
    assertEquals(137, killed.exitCode(), killed.err());
    CliRun env = CliRun.withStdio("exec", "-e", "GREETING=hello", "-w", "/tmp", "-u", "root", "--state-dir",
        state.toString(), SANDBOX, "--", "sh", "-c", "echo $GREETING $(pwd) $(id -u)");
    assertEquals(0, env.exitCode(), env.err());
    assertEquals("hello /tmp 0\n", env.out());
  }

  @Test
  void aTtyExecHasATerminalOfTheSizeSent() throws Exception {
    ApiClient client = new ApiClient(Daemon.socket(state));
    String body = "{\"argv\":[\"sh\",\"-c\",\"tty && stty size\"],\"stdin\":true,\"tty\":{\"cols\":101,\"rows\":33}}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExecFrame.Exit exit = null;
    try (ApiClient.Upgraded s = client.upgrade("/v1/sandboxes/" + SANDBOX + "/exec/stream", body,
        ExecStreamProtocol.UPGRADE)) {
      assertTrue(s.refused().isEmpty(), () -> "refused: " + s.refused());
      ExecStreamProtocol.Reader reader = new ExecStreamProtocol.Reader(s.in());
      ExecFrame f;
      while ((f = reader.next()) != null && exit == null) {
        if (f instanceof ExecFrame.Stdout o) {
          out.writeBytes(o.bytes());
        } else if (f instanceof ExecFrame.Exit e) {
          exit = e;
        }
      }
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(new ExecFrame.Exit(0, 0, ""), exit, text);
    assertTrue(text.contains("/dev/pts/"), text);
    assertTrue(text.contains("33 101"), text);
    CliRun noTerminalHere = CliRun.withStdio("exec", "-t", "--state-dir", state.toString(), SANDBOX, "--", "tty");
    assertEquals(0, noTerminalHere.exitCode(), noTerminalHere.err() + noTerminalHere.out());
  }

  @Test
  void anInteractiveShellInARealTerminal() throws Exception {
    Path jar = Path.of("target", "sbx.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the shaded CLI is built in `package`, before failsafe runs: " + jar);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = "env SBX_STATE_DIR=" + state + " TERM=xterm-256color " + java + " -jar " + jar + " exec -it "
        + SANDBOX + " -- sh; echo SBX-EXITED-$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo"
        + " | tr '\\n' ' '; echo; sleep 600";
    try (Tmux tmux = Tmux.start(100, 30, command)) {
      tmux.await("the guest shell's prompt", WAIT,
          s -> Pattern.compile("(?m)[$#]\\s*$").matcher(s).find());
      tmux.text("echo hi-$((6*7)); stty size");
      tmux.keys("Enter");
      String screen = tmux.await("the guest's answer", WAIT, s -> s.contains("hi-42"));
      String paneSize = tmux.run("display-message", "-p", "-t", "dash", "#{pane_height} #{pane_width}").strip();
      screen = tmux.await("the terminal size " + paneSize + " in the guest", WAIT, s -> s.contains(paneSize));
      tmux.text("exit");
      tmux.keys("Enter");
      screen = tmux.await("sbx to exit", WAIT, s -> s.contains("SBX-EXITED-"));
      assertTrue(screen.contains("SBX-EXITED-0"), screen);
      screen = tmux.await("the terminal mode", WAIT, s -> s.contains("icanon echo"));
      assertFalse(screen.contains("-icanon"), "the terminal is back in cooked mode: " + screen);
    }
  }
}

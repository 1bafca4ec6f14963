package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.api.SandboxState;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real terminal: the built CLI ({@code target/sbx.jar}, made in {@code package})
 * runs plain {@code sbx} inside tmux against an in-process daemon (memory actuators; a fake VM
 * runtime answers {@code /v1/sandboxes}). The test reads the screen, presses keys and checks that
 * q and Ctrl-C leave the terminal as it was (alternate screen off, {@code stty} back to cooked).
 */
class DashboardTmuxIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** After sbx exits, the shell prints its exit code and the terminal's mode, then waits to be read. */
  private static final String AFTER = "; echo SBX-EXITED-$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon"
      + " -e echo -e -echo | tr '\\n' ' '; echo; sleep 600";
  @TempDir Path tmp;
  private Path state;
  private final FakeSandboxRuntime vm = new FakeSandboxRuntime();
  private Daemon daemon;
  private Tmux tmux;

  @BeforeEach
  void sandboxes() {
    state = tmp.resolve("state");
    vm.create(SandboxSpec.minimal("api-dev").withResources(2, 2048).withOwner("dir:/srv/gitops", "h1"));
    vm.start("api-dev");
    vm.create(SandboxSpec.minimal("batch").withResources(1, 512));
    vm.create(SandboxSpec.minimal("web").withResources(4, 4096));
    vm.start("web");
  }

  @AfterEach
  void stop() throws Exception {
    if (tmux != null) {
      tmux.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  private String sbxCommand() {
    Path jar = Path.of("target", "sbx.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the shaded CLI is built in `package`, before failsafe runs: " + jar);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return "env SBX_STATE_DIR=" + state + " TERM=xterm-256color " + java + " -jar " + jar;
  }

  private void startDaemon() {
    daemon = Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(OutputStream.nullOutputStream()), vm);
  }

  /** The left pane's rows (below the title and the header), as "> name state" pairs. */
  private static List<String> bodyLines(String screen) {
    return screen.lines().skip(2).toList();
  }

  @Test
  void showsSandboxesSelectsFiltersStopsRestartsAndQuitsRestoringTheTerminal() throws Exception {
    startDaemon();
    tmux = Tmux.start(120, 40, sbxCommand() + AFTER);
    // the status line is the frame's last line: once it shows, the whole first frame is on screen
    String screen = tmux.await("the sandboxes", WAIT, s -> s.contains("api-dev") && s.contains("? help"));
    assertTrue(screen.contains("3 sandboxes, 2 running"), screen);
    assertTrue(screen.lines().anyMatch(l -> l.matches(">\\s+api-dev\\s+running\\s+2\\s+2G\\s.*dir:/srv/.*")),
        screen);
    assertTrue(screen.lines().anyMatch(l -> l.matches("\\s+batch\\s+stopped\\s+1\\s+512M\\s.*")), screen);
    assertTrue(screen.lines().anyMatch(l -> l.matches("\\s+web\\s+running\\s+4\\s+4G\\s.*")), screen);
    assertTrue(screen.contains("HOST:PORT") && screen.contains("DECISION"), "the decisions pane: " + screen);
    assertTrue(screen.contains("(this daemon reports no network decisions)"), "memory mode has no proxy: " + screen);
    assertTrue(screen.contains("q quit") && screen.contains("/ filter") && screen.contains("? help"), screen);
    assertTrue(tmux.alternateScreen(), "the dashboard draws on the alternate screen");

    tmux.keys("Down");
    tmux.await("batch selected", WAIT, s -> s.lines().anyMatch(l -> l.startsWith("> batch")));
    tmux.keys("Down");
    tmux.await("web selected", WAIT, s -> s.lines().anyMatch(l -> l.startsWith("> web")));

    tmux.keys("/");
    tmux.text("bat");
    tmux.await("the filter applied while typing", WAIT,
        s -> s.contains("/bat") && bodyLines(s).stream().noneMatch(l -> l.contains("api-dev") || l.contains(" web ")));
    tmux.keys("Enter");
    screen = tmux.await("the filter kept", WAIT, s -> s.contains("Filter: bat"));
    assertTrue(screen.lines().anyMatch(l -> l.startsWith("> batch")), "the only row is selected: " + screen);
    tmux.keys("Escape");
    tmux.await("the filter cleared", WAIT, s -> s.contains("api-dev") && !s.contains("Filter: bat"));

    tmux.keys("End");
    tmux.await("web selected", WAIT, s -> s.lines().anyMatch(l -> l.startsWith("> web")));
    tmux.keys("s");
    tmux.await("the stop question", WAIT, s -> s.contains("Stop web? (y/n)"));
    tmux.keys("n");
    tmux.await("cancelled", WAIT, s -> s.contains("Cancelled."));
    assertEquals(SandboxState.RUNNING, vm.inspect("web").orElseThrow().state(), "n does not stop it");
    tmux.keys("s");
    tmux.await("the stop question", WAIT, s -> s.contains("Stop web? (y/n)"));
    tmux.keys("y");
    tmux.await("web stopped", WAIT, s -> s.contains("Stopped web.") && s.lines().anyMatch(
        l -> l.matches(">\\s+web\\s+stopped.*")));
    assertEquals(SandboxState.STOPPED, vm.inspect("web").orElseThrow().state(), "stopped through the daemon");
    tmux.keys("r");
    tmux.await("the restart question", WAIT, s -> s.contains("Restart web"));
    tmux.keys("y");
    tmux.await("web running again", WAIT, s -> s.contains("Restarted web.") && s.lines().anyMatch(
        l -> l.matches(">\\s+web\\s+running.*")));
    assertEquals(SandboxState.RUNNING, vm.inspect("web").orElseThrow().state());

    tmux.keys("e");
    tmux.await("the exec hint", WAIT, s -> s.contains("sbx exec -i web -- sh"));
    tmux.keys("?");
    tmux.await("help", WAIT, s -> s.contains("Keys") && s.contains("filter both panes"));
    tmux.keys("Escape");
    tmux.await("help closed", WAIT, s -> s.contains("api-dev") && !s.contains("filter both panes"));

    tmux.resize(70, 30);
    tmux.await("the narrow layout (no decisions pane)", WAIT, s -> s.contains("api-dev") && !s.contains("HOST:PORT"));
    tmux.resize(120, 40);
    tmux.await("the wide layout again", WAIT, s -> s.contains("HOST:PORT"));

    vm.create(SandboxSpec.minimal("late"));
    tmux.await("a sandbox created meanwhile (refresh)", WAIT, s -> s.contains("late") && s.contains("4 sandboxes"));

    tmux.keys("q");
    screen = tmux.await("sbx to exit", WAIT, s -> s.contains("SBX-EXITED-"));
    assertTrue(screen.contains("SBX-EXITED-0"), screen);
    screen = tmux.await("the terminal mode", WAIT, s -> s.contains("icanon"));
    assertTrue(screen.contains("icanon echo") || screen.contains("echo icanon"), "cooked mode again: " + screen);
    assertFalse(screen.contains("-icanon") || screen.contains("-echo"), "not raw any more: " + screen);
    assertFalse(tmux.alternateScreen(), "back on the normal screen");
    assertFalse(screen.contains("sbx dashboard"), "the dashboard is gone from the normal screen: " + screen);
  }

  /**
   * The right pane with the real proxy: a daemon with the real actuators (no VM is booted; its
   * runtime lists none), a sandbox's listener on loopback with deny-all, and CONNECTs to loopback
   * addresses (refused by the policy, so nothing is dialed and nothing leaves the machine).
   */
  @Test
  void theDecisionsPaneShowsTheProxysLiveDecisionsNewestFirst() throws Exception {
    daemon = Daemon.start(state, Daemon.Mode.REAL, new PrintStream(OutputStream.nullOutputStream()));
    var proxy = daemon.proxy().orElseThrow();
    proxy.setRules(SandboxId.of("dev"), RuleSet.denyAll());
    int port = ((ListenAddress.Tcp) proxy.bind(SandboxId.of("dev"), ListenAddress.loopback(0)).address()).port();
    tmux = Tmux.start(140, 30, sbxCommand() + AFTER);
    tmux.await("the empty dashboard", WAIT, s -> s.contains("(no network decisions yet)")
        && s.contains("(no sandboxes"));
    assertEquals(403, connect(port, "127.0.0.1:7"));
    String screen = tmux.await("the first decision", WAIT, s -> s.contains("127.0.0.1:7"));
    assertTrue(screen.lines().anyMatch(l -> l.matches(".*│ \\d\\d:\\d\\d:\\d\\d dev\\s+127\\.0\\.0\\.1:7\\s.*deny\\s*")),
        screen);
    assertEquals(403, connect(port, "127.0.0.1:9"));
    screen = tmux.await("the second decision", WAIT, s -> s.contains("127.0.0.1:9"));
    List<String> lines = screen.lines().toList();
    int newest = lines.indexOf(lines.stream().filter(l -> l.contains("127.0.0.1:9")).findFirst().orElseThrow());
    int older = lines.indexOf(lines.stream().filter(l -> l.contains("127.0.0.1:7")).findFirst().orElseThrow());
    assertTrue(newest < older, "newest first:\n" + screen);
    tmux.keys("/");
    tmux.text(":9");
    tmux.await("the filter on decisions", WAIT, s -> s.contains("127.0.0.1:9") && !s.contains("127.0.0.1:7"));
    tmux.keys("Enter");
    tmux.await("the filter kept", WAIT, s -> s.contains("Filter: :9"));
    tmux.keys("q");
    assertTrue(tmux.await("sbx to exit", WAIT, s -> s.contains("SBX-EXITED-")).contains("SBX-EXITED-0"));
  }

  /** A CONNECT through the sandbox's listener; returns the status the proxy answered. */
  private static int connect(int port, String target) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String status = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  @Test
  void withoutADaemonItSaysHowToStartOneFillsInWhenOneComesAndCtrlCRestores() throws Exception {
    tmux = Tmux.start(100, 30, sbxCommand() + AFTER);
    String screen = tmux.await("the no-daemon notice", WAIT, s -> s.contains("No sbx daemon is running"));
    assertTrue(screen.contains("sbx daemon") && screen.contains("sbx apply -f DIR"), screen);
    assertTrue(screen.contains("never starts VMs"), screen);
    assertTrue(vm.calls().stream().noneMatch(c -> c.startsWith("start ") && !c.equals("start api-dev")
        && !c.equals("start web")), "nothing started: " + vm.calls());

    startDaemon();
    tmux.await("the sandboxes once the daemon answers", WAIT, s -> s.contains("api-dev") && s.contains("batch"));

    tmux.keys("C-c");
    screen = tmux.await("sbx to exit", WAIT, s -> s.contains("SBX-EXITED-") && s.contains("icanon"));
    assertTrue(screen.contains("SBX-EXITED-0"), screen);
    assertFalse(screen.contains("-icanon") || screen.contains("-echo"), "not raw any more: " + screen);
    assertFalse(tmux.alternateScreen());
  }
}

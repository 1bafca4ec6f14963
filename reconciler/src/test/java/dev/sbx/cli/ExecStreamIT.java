package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.daemon.ExecFrame;
import dev.sbx.reconciler.daemon.ExecStreamProtocol;
import dev.sbx.reconciler.daemon.RemoteListen;
import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecProcess;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import java.io.PipedInputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive exec end to end without a VM: the real CLI and the real daemon (memory mode,
 * unix socket and the remote TLS listener), with a fake runtime whose processes echo stdin as it
 * arrives ({@link Echo}). Proves streaming (an echo comes back before the next chunk is sent),
 * exit codes, signals, resizes and the hang-up of a vanished client.
 */
class ExecStreamIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path tmp;
  private Path state;
  private final FakeSandboxRuntime vm = new FakeSandboxRuntime();
  private final List<Echo> processes = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();
  private Daemon daemon;

  /** A fake guest process: stdin comes back on stdout at once; close-stdin exits 0; a signal kills it. */
  static final class Echo implements ExecProcess {
    final ExecRequest request;
    final ExecOutput output;
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    final List<String> resizes = new CopyOnWriteArrayList<>();
    final List<Integer> signals = new CopyOnWriteArrayList<>();

    Echo(ExecRequest request, ExecOutput output) {
      this.request = request;
      this.output = output;
    }

    @Override
    public void writeStdin(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (text.startsWith("exit ")) {
        exit.complete(ExitStatus.exited(Integer.parseInt(text.substring(5).strip())));
        return;
      }
      output.stdout(bytes);
      output.stderr(("err:" + text).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void closeStdin() {
      exit.complete(ExitStatus.exited(0));
    }

    @Override
    public void signal(int signal) {
      signals.add(signal);
      exit.complete(ExitStatus.killed(signal));
    }

    @Override
    public void resize(int rows, int cols) {
      resizes.add(cols + "x" + rows);
    }

    @Override
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
      try {
        return Optional.of(exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        return Optional.empty();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @BeforeEach
  void start() {
    state = tmp.resolve("state");
    vm.create(SandboxSpec.minimal("dev"));
    vm.start("dev");
    vm.onExecStream((request, output) -> {
      Echo e = new Echo(request, output);
      processes.add(e);
      return e;
    });
    daemon = Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(daemonLog, true, StandardCharsets.UTF_8), vm,
        Optional.of(RemoteListen.of(new InetSocketAddress("127.0.0.1", 0))));
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(10); // poll interval of a bounded wait
    }
  }

  @Test
  void stdinIsStreamedAndEachEchoArrivesBeforeTheNextChunkIsSent() throws Exception {
    try (LiveCli cli = new LiveCli("exec", "-i", "--state-dir", state.toString(), "-e", "A=1", "-w", "/tmp",
        "dev", "--", "cat")) {
      cli.type("first\n");
      await("the first echo", () -> cli.out().contains("first\n"));
      assertFalse(cli.out().contains("second"), "nothing sent yet");
      cli.type("second\n");
      await("the second echo", () -> cli.out().contains("first\nsecond\n"));
      cli.stdin.close(); // EOF: CLOSE_STDIN, the echo process exits 0
      assertEquals(0, cli.exitCode(), cli.err.toString(StandardCharsets.UTF_8));
      assertTrue(cli.err.toString(StandardCharsets.UTF_8).contains("err:first\n"), "stderr is its own stream");
    }
    ExecRequest r = processes.get(0).request;
    assertEquals(List.of("cat"), r.argv());
    assertEquals("1", r.env().get("A"));
    assertEquals("/tmp", r.cwd());
    assertEquals(1000, r.uid());
    assertTrue(r.stdin());
    assertEquals(null, r.terminal(), "no -t: plain pipes");
  }

  @Test
  void theCommandsExitCodeIsOurs() throws Exception {
    try (LiveCli cli = new LiveCli("exec", "-i", "-u", "root", "--state-dir", state.toString(), "dev", "--", "sh")) {
      cli.type("exit 7");
      assertEquals(7, cli.exitCode());
    }
    assertEquals(0, processes.get(0).request.uid(), "-u root");
  }

  @Test
  void ttyRequestsCarryASizeAndResizeAndSignalFramesReachTheProcess() throws Exception {
    ApiClient client = new ApiClient(Daemon.socket(state));
    String body = "{\"argv\":[\"sh\"],\"user\":\"agent\",\"stdin\":true,\"tty\":{\"cols\":101,\"rows\":33}}";
    try (ApiClient.Upgraded s = client.upgrade("/v1/sandboxes/dev/exec/stream", body, ExecStreamProtocol.UPGRADE)) {
      assertTrue(s.refused().isEmpty(), () -> "refused: " + s.refused());
      await("the process", () -> !processes.isEmpty());
      Echo p = processes.get(0);
      assertEquals(new ExecRequest.Terminal(33, 101), p.request.terminal());
      s.out().write(ExecStreamProtocol.encode(new ExecFrame.Resize(120, 40)));
      s.out().write(ExecStreamProtocol.encode(new ExecFrame.Stdin("hi".getBytes(StandardCharsets.UTF_8))));
      s.out().flush();
      ExecStreamProtocol.Reader reader = new ExecStreamProtocol.Reader(s.in());
      assertEquals(new ExecFrame.Stdout("hi".getBytes(StandardCharsets.UTF_8)), reader.next());
      assertEquals(List.of("120x40"), p.resizes);
      s.out().write(ExecStreamProtocol.encode(new ExecFrame.Signal(2)));
      s.out().flush();
      assertEquals(new ExecFrame.Stderr("err:hi".getBytes(StandardCharsets.UTF_8)), reader.next());
      assertEquals(new ExecFrame.Exit(130, 2, ""), reader.next());
      assertEquals(List.of(2), p.signals);
    }
  }

  @Test
  void aClientThatGoesAwayHangsUpTheCommand() throws Exception {
    ApiClient client = new ApiClient(Daemon.socket(state));
    ApiClient.Upgraded s = client.upgrade("/v1/sandboxes/dev/exec/stream", "{\"argv\":[\"sleep\",\"1000\"]}",
        ExecStreamProtocol.UPGRADE);
    assertTrue(s.refused().isEmpty());
    await("the process", () -> !processes.isEmpty());
    s.close();
    await("SIGHUP", () -> processes.get(0).signals.contains(1));
  }

  @Test
  void refusalsAreOrdinaryJsonAnswers() throws Exception {
    ApiClient client = new ApiClient(Daemon.socket(state));
    try (var s = client.upgrade("/v1/sandboxes/nope/exec/stream", "{\"argv\":[\"true\"]}", ExecStreamProtocol.UPGRADE)) {
      assertEquals(404, s.refused().orElseThrow().status());
    }
    try (var s = client.upgrade("/v1/sandboxes/dev/exec/stream", "{\"argv\":[]}", ExecStreamProtocol.UPGRADE)) {
      assertEquals(400, s.refused().orElseThrow().status());
    }
    assertEquals(426, client.call("POST", "/v1/sandboxes/dev/exec/stream", "{\"argv\":[\"true\"]}").status());
    CliRun unknown = CliRun.withStdio("exec", "--state-dir", state.toString(), "nope", "--", "true");
    assertEquals(2, unknown.exitCode(), unknown.err());
    assertEquals(1, unknown.err().lines().count(), unknown.err());
    CliRun badUser = CliRun.withStdio("exec", "-u", "bob", "--state-dir", state.toString(), "dev", "--", "true");
    assertEquals(2, badUser.exitCode(), badUser.err());
    assertTrue(badUser.err().contains("agent or root"), badUser.err());
  }

  @Test
  void streamsThroughTheRemoteTlsListenerWithABearerToken() throws Exception {
    CliRun created = CliRun.of("daemon", "token", "create", "ci", "--state-dir", state.toString());
    assertEquals(0, created.exitCode(), created.err());
    Path tokenFile = tmp.resolve("ci.token");
    Files.writeString(tokenFile, created.out().strip() + "\n");
    String host = "https://127.0.0.1:" + daemon.remoteAddress().orElseThrow().getPort();
    String ca = state.resolve("api-tls/server.pem").toString();
    try (LiveCli cli = new LiveCli("exec", "-i", "--host", host, "--token-file", tokenFile.toString(), "--ca-cert", ca,
        "dev", "--", "cat")) {
      cli.type("over-tls\n");
      await("the echo over TLS", () -> cli.out().contains("over-tls\n"));
      cli.type("exit 3");
      assertEquals(3, cli.exitCode(), cli.err.toString(StandardCharsets.UTF_8));
    }
    CliRun noToken = CliRun.withStdio("exec", "--host", host, "--ca-cert", ca, "dev", "--", "true");
    assertEquals(ExitCodes.ENVIRONMENT, noToken.exitCode(), noToken.err());
    assertTrue(noToken.err().contains("401"), noToken.err());
    String log = daemonLog.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("POST /v1/sandboxes/dev/exec/stream -> 101"), log);
    assertFalse(log.contains(created.out().strip()), "the token is never logged");
  }

  @Test
  void outputWrittenBeforeTheProcessIsReturnedIsNotLost() throws Exception {
    vm.onExecStream((request, output) -> {
      output.stdout("early\n".getBytes(StandardCharsets.UTF_8));
      Echo e = new Echo(request, output);
      e.exit.complete(ExitStatus.exited(4));
      return e;
    });
    CliRun run = CliRun.withStdio("exec", "--state-dir", state.toString(), "dev", "--", "true");
    assertEquals(4, run.exitCode(), run.err());
    assertEquals("early\n", run.out());
  }

}

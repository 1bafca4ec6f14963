package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.ExecFrame;
import dev.sbx.reconciler.daemon.ExecStreamProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CLI's end of the daemon's interactive exec ({@code POST /v1/sandboxes/NAME/exec/stream},
 * {@link ExecStreamProtocol}): output is written as it arrives, standard input is pumped as it is
 * typed or piped, and the guest command's exit code comes back. With a terminal, the local one is
 * put in raw mode (keys, Ctrl-C included, go to the guest's pseudo-terminal), its size is sent at
 * the start and on every SIGWINCH, and it is restored on every way out. Without one, Ctrl-C
 * (SIGINT) and SIGTERM to sbx are forwarded to the command as signals instead of ending sbx.
 */
final class AttachedExec {

  /** What to run and how: {@code user} is agent or root; {@code cwd} null = the daemon's default. */
  record Options(List<String> argv, Map<String, String> env, String cwd, String user, boolean stdin, boolean tty) {
    Options {
      argv = List.copyOf(argv);
      env = Map.copyOf(env);
      Objects.requireNonNull(user, "user");
    }
  }

  private final Object sendLock = new Object();
  private OutputStream wire;

  private AttachedExec() {}

  /**
   * Runs {@code options} in {@code sandbox} through the daemon and returns the command's exit code;
   * empty when the daemon predates the stream endpoint (the caller may fall back to the buffered one).
   */
  static Optional<Integer> run(DaemonSandboxes daemon, String sandbox, Options options, PrintWriter cliErr) {
    return new AttachedExec().attach(daemon, sandbox, options, cliErr);
  }

  /**
   * {@code sbx run}'s attach step: the agent command on a terminal of this one's size when sbx runs
   * in one (plain pipes otherwise), stdin open, as the sandbox user in {@code cwd}.
   */
  static int attachAgent(DaemonSandboxes daemon, String sandbox, List<String> argv, String cwd, PrintWriter cliErr) {
    var options = new Options(argv, Map.of(), cwd, "agent", true, LocalTerminal.interactive());
    return run(daemon, sandbox, options, cliErr).orElseThrow(() -> new CliFailure(
        "this sbx daemon has no interactive exec; restart it with this sbx version (sbx daemon --stop)",
        ExitCodes.ENVIRONMENT));
  }

  private Optional<Integer> attach(DaemonSandboxes daemon, String sandbox, Options options, PrintWriter cliErr) {
    boolean localTty = options.tty() && LocalTerminal.interactive();
    LocalTerminal.Size size = localTty ? LocalTerminal.size().orElse(new LocalTerminal.Size(80, 24))
        : new LocalTerminal.Size(80, 24);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    options.argv().forEach(body.putArray("argv")::add);
    ObjectNode env = body.putObject("env");
    options.env().forEach(env::put);
    if (options.cwd() != null) {
      body.put("cwd", options.cwd());
    }
    body.put("user", options.user()).put("stdin", options.stdin());
    if (options.tty()) {
      body.putObject("tty").put("cols", size.cols()).put("rows", size.rows());
    }
    ApiClient.Upgraded stream = daemon.upgrade("/v1/sandboxes/" + sandbox + "/exec/stream", body.toString(),
        ExecStreamProtocol.UPGRADE);
    try (stream) {
      if (stream.refused().isPresent()) {
        ApiClient.Reply reply = stream.refused().get();
        if (reply.status() == 404 && !reply.body().has("kind")) {
          return Optional.empty(); // a daemon from before the stream endpoint
        }
        throw DaemonSandboxes.failure(reply);
      }
      wire = stream.out();
      return Optional.of(session(stream.in(), options, localTty, cliErr));
    } catch (IOException e) {
      throw new CliFailure("the exec stream to the sbx daemon failed: " + e.getMessage(), ExitCodes.ENVIRONMENT);
    }
  }

  private int session(InputStream in, AttachedExec.Options options, boolean localTty, PrintWriter cliErr)
      throws IOException {
    List<Runnable> undo = new java.util.ArrayList<>();
    try (LocalTerminal raw = localTty ? LocalTerminal.raw() : null) {
      if (localTty) {
        LocalTerminal.onResize(() -> LocalTerminal.size().ifPresent(s -> send(new ExecFrame.Resize(s.cols(), s.rows()))));
      } else {
        forwardSignal("INT", 2, undo);
        forwardSignal("TERM", 15, undo);
      }
      if (options.stdin()) {
        Thread pump = new Thread(() -> pumpStdin(System.in), "sbx-exec-stdin");
        pump.setDaemon(true);
        pump.start();
      }
      return readOutput(in, cliErr);
    } finally {
      undo.forEach(Runnable::run);
    }
  }

  private int readOutput(InputStream in, PrintWriter cliErr) throws IOException {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ExecStreamProtocol.Reader frames = new ExecStreamProtocol.Reader(in);
    ExecFrame frame;
    while ((frame = frames.next()) != null) {
      if (frame instanceof ExecFrame.Stdout o) {
        out.write(o.bytes(), 0, o.bytes().length);
        out.flush();
      } else if (frame instanceof ExecFrame.Stderr e) {
        err.write(e.bytes(), 0, e.bytes().length);
        err.flush();
      } else if (frame instanceof ExecFrame.Exit exit) {
        if (!exit.error().isEmpty()) {
          cliErr.println("sbx: " + exit.error());
          cliErr.flush();
        }
        return exit.code();
      }
    }
    throw new CliFailure("the sbx daemon ended the exec stream before the command ended; see its daemon.log",
        ExitCodes.ENVIRONMENT);
  }

  private void pumpStdin(InputStream stdin) {
    byte[] buffer = new byte[16 * 1024];
    try {
      int n;
      while ((n = stdin.read(buffer)) >= 0) {
        if (n > 0) {
          send(new ExecFrame.Stdin(Arrays.copyOf(buffer, n)));
        }
      }
      send(new ExecFrame.CloseStdin());
    } catch (IOException e) {
      // our stdin broke: the command keeps running until it ends on its own
    }
  }

  /** Sends one frame; a failure (the session ended) is left to the reader to report. */
  private void send(ExecFrame frame) {
    synchronized (sendLock) {
      try {
        wire.write(ExecStreamProtocol.encode(frame));
        wire.flush();
      } catch (IOException e) {
        // the connection is closing; readOutput sees the end
      }
    }
  }

  private void forwardSignal(String name, int number, List<Runnable> undo) {
    try {
      sun.misc.Signal signal = new sun.misc.Signal(name);
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> send(new ExecFrame.Signal(number)));
      undo.add(() -> sun.misc.Signal.handle(signal, previous));
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      // the JVM keeps this signal (e.g. -Xrs): it ends sbx, and the daemon hangs up the command
    }
  }
}

package dev.sbx.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The CLI running in a thread with a stdin we feed and a stdout we watch. */
final class LiveCli implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);
  final PipedOutputStream stdin = new PipedOutputStream();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final InputStream savedIn = System.in;
  private final PrintStream savedOut = System.out;
  private final PrintStream savedErr = System.err;

  LiveCli(String... args) throws IOException {
    System.setIn(new PipedInputStream(stdin, 65536));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Thread t = new Thread(() -> {
      try {
        var cli = Sbx.newCommandLine();
        var errWriter = new java.io.PrintWriter(err, true, StandardCharsets.UTF_8);
        cli.setErr(errWriter);
        exit.complete(cli.execute(args));
      } catch (Throwable e) {
        exit.completeExceptionally(e);
      }
    }, "live-cli");
    t.setDaemon(true);
    t.start();
  }

  void type(String text) throws IOException {
    stdin.write(text.getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  String out() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  int exitCode() throws Exception {
    return exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    stdin.close();
    System.setIn(savedIn);
    System.setOut(savedOut);
    System.setErr(savedErr);
  }
}

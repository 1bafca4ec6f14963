package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real terminal for tests: a tmux server of its own ({@code -L}, so parallel tests and a user's
 * tmux are untouched) with one detached session of a fixed size running a command. The screen is
 * read with {@code capture-pane -p}; keys go in with {@code send-keys}. Waits poll the screen until
 * a deadline, never sleep a fixed time.
 */
final class Tmux implements AutoCloseable {
  private final String server = "sbx-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private final String session = "dash";

  private Tmux() {}

  /** Starts {@code shellCommand} (run by sh) in a {@code columns}×{@code rows} terminal. */
  static Tmux start(int columns, int rows, String shellCommand) throws IOException, InterruptedException {
    Tmux tmux = new Tmux();
    tmux.run("new-session", "-d", "-s", tmux.session, "-x", Integer.toString(columns), "-y", Integer.toString(rows),
        shellCommand);
    return tmux;
  }

  String screen() throws IOException, InterruptedException {
    return run("capture-pane", "-p", "-t", session);
  }

  /** tmux's own view: whether the alternate screen is on in the pane. */
  boolean alternateScreen() throws IOException, InterruptedException {
    return run("display-message", "-p", "-t", session, "#{alternate_on}").trim().equals("1");
  }

  /** Keys in tmux's names ({@code Down}, {@code Escape}, {@code C-c}) or literal text with {@code -l}. */
  void keys(String... keys) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
    args.addAll(List.of(keys));
    run(args.toArray(String[]::new));
  }

  void text(String literal) throws IOException, InterruptedException {
    run("send-keys", "-t", session, "-l", literal);
  }

  void resize(int columns, int rows) throws IOException, InterruptedException {
    run("resize-window", "-t", session, "-x", Integer.toString(columns), "-y", Integer.toString(rows));
  }

  /** Polls the screen until {@code condition} holds; fails with the last screen after {@code timeout}. */
  String await(String what, Duration timeout, Predicate<String> condition) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String screen = screen();
    while (!condition.test(screen)) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout + " waiting for " + what + "; the screen:\n" + screen);
      }
      Thread.sleep(50); // poll interval of a bounded wait, not a fixed delay
      screen = screen();
    }
    return screen;
  }

  String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", server, "-f", "/dev/null"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("tmux " + String.join(" ", args) + " hung");
    }
    if (p.exitValue() != 0) {
      fail("tmux " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out);
    }
    return out;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tmux", "-L", server, "kill-server").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor(10, TimeUnit.SECONDS);
  }
}

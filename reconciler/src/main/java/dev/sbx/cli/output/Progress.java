package dev.sbx.cli.output;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Progress of one long step (image download, boot, install commands) on stderr. On a terminal the
 * line is rewritten in place ({@code \r} + erase line) and ends with the outcome and the time taken;
 * elsewhere (CI logs, pipes) each distinct message is one line, so logs stay readable and grep-able
 * and never contain carriage returns.
 *
 * <pre>
 * try (Progress p = Progress.start(err, terminal, "booting dev")) {
 *   p.update("kernel loaded");
 *   p.done("ready");          // without done(), close() reports the step as failed
 * }
 * </pre>
 */
public final class Progress implements AutoCloseable {
  private final PrintWriter err;
  private final boolean inPlace;
  private final String step;
  private final Clock clock;
  private final long startMillis;
  private String last = "";
  private boolean finished;

  private Progress(PrintWriter err, boolean inPlace, String step, Clock clock) {
    this.err = Objects.requireNonNull(err, "err");
    this.inPlace = inPlace;
    this.step = Objects.requireNonNull(step, "step");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.startMillis = clock.millis();
    show(step + " ...");
  }

  /** Starts a step; {@code terminal} is whether stderr is a terminal ({@link Terminals#stderrIsTerminal()}). */
  public static Progress start(PrintWriter err, boolean terminal, String step) {
    return new Progress(err, terminal, step, Clock.systemUTC());
  }

  static Progress start(PrintWriter err, boolean terminal, String step, Clock clock) {
    return new Progress(err, terminal, step, clock);
  }

  /** A new detail for the step ({@code 40 %}, {@code running install command 2/5}); repeats are dropped. */
  public void update(String detail) {
    if (!finished) {
      show(step + " ... " + detail);
    }
  }

  /** The step succeeded. */
  public void done(String outcome) {
    finish(step + ": " + outcome + " (" + elapsed() + ")");
  }

  /** The step failed; the reason is printed by whoever handles the error. */
  public void failed(String outcome) {
    finish(step + ": failed: " + outcome + " (" + elapsed() + ")");
  }

  /** Without {@link #done} or {@link #failed} first, the step failed (an exception left it). */
  @Override
  public void close() {
    finish(step + ": failed (" + elapsed() + ")");
  }

  private void finish(String text) {
    if (finished) {
      return;
    }
    finished = true;
    if (inPlace) {
      err.print("\r\u001b[K" + text + "\n");
    } else {
      err.println(text);
    }
    err.flush();
  }

  private void show(String text) {
    if (text.equals(last)) {
      return;
    }
    last = text;
    if (inPlace) {
      err.print("\r\u001b[K" + text);
    } else {
      err.println(text);
    }
    err.flush();
  }

  private String elapsed() {
    Duration d = Duration.ofMillis(clock.millis() - startMillis);
    return d.toSeconds() >= 10 ? d.toSeconds() + " s" : String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}

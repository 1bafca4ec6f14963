package dev.sbx.cli;

import java.io.File;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The controlling terminal for an attached session ({@code sbx exec -t}, {@code sbx run}): its
 * size, raw mode and SIGWINCH, through {@code /bin/stty} like the dashboard's {@code RawTerminal}
 * (same reasons: POSIX, no JLine), but without the alternate screen — the remote program owns the
 * screen. Restored on every way out: {@link #close()} (try-with-resources) and a shutdown hook
 * (SIGTERM, {@code System.exit}); whichever runs first wins.
 */
final class LocalTerminal implements AutoCloseable {
  private static final File TTY = dev.sbx.cli.output.Stty.TTY;

  /** Columns and rows. */
  record Size(int cols, int rows) {}

  private final String saved;
  private final AtomicBoolean restored = new AtomicBoolean();
  private final Thread hook = new Thread(this::restore, "sbx-terminal-restore");

  private LocalTerminal(String saved) {
    this.saved = saved;
  }

  /** True when standard input and output are a terminal (a {@code -t} session makes sense). */
  static boolean interactive() {
    return System.console() != null && TTY.exists();
  }

  /** The terminal's size, or empty when there is none. */
  static Optional<Size> size() {
    try {
      String[] parts = stty("size").trim().split("\\s+");
      return Optional.of(new Size(Integer.parseInt(parts[1]), Integer.parseInt(parts[0])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Puts the terminal in raw mode (keys pass through untouched, Ctrl-C included) until closed. */
  static LocalTerminal raw() throws IOException {
    LocalTerminal terminal = new LocalTerminal(stty("-g").trim());
    Runtime.getRuntime().addShutdownHook(terminal.hook);
    stty("raw", "-echo");
    return terminal;
  }

  /** Calls {@code onResize} on each SIGWINCH, where the JVM lets us handle it. */
  static void onResize(Runnable onResize) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> onResize.run());
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      // no SIGWINCH here: the size stays the one sent at the start
    }
  }

  @Override
  public void close() {
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook has run or is running restore(), which is idempotent
    }
  }

  private void restore() {
    if (restored.compareAndSet(false, true)) {
      try {
        stty(saved);
      } catch (IOException ignored) {
        // the terminal is gone; `reset` fixes a terminal left raw
      }
    }
  }

  private static String stty(String... args) throws IOException {
    return dev.sbx.cli.output.Stty.run(args);
  }
}

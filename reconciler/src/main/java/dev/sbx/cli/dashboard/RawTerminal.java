package dev.sbx.cli.dashboard;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The controlling terminal in raw mode with the alternate screen, restored on every way out.
 *
 * <p>Why plain ANSI and {@code stty} instead of JLine: the dashboard needs five things — raw
 * key input, the alternate screen, cursor positioning, hiding the cursor and the window size — all
 * of which are a handful of escape sequences plus {@code stty} (POSIX, present wherever a terminal
 * is). JLine would add a ~1 MB dependency to the shaded jar and its own native terminal providers
 * for that. Windows consoles are out of scope: sbx runs microVMs on Linux hosts.
 *
 * <p>Restoring: {@link #close()} (normal exit, exceptions via try-with-resources) and a shutdown
 * hook (SIGTERM/SIGINT from outside, {@code System.exit}) both leave the alternate screen, show the
 * cursor and put back the {@code stty -g} settings saved at the start; whichever runs first wins.
 * In raw mode Ctrl-C arrives as a key (byte 3), which the dashboard treats as quit. Resizes:
 * SIGWINCH sets a flag where the JVM lets us handle it ({@code sun.misc.Signal}); the size is
 * also re-read every few seconds, so a missed signal only delays the redraw.
 */
final class RawTerminal implements AutoCloseable {
  static final String ENTER_ALTERNATE = "\u001b[?1049h\u001b[?25l\u001b[2J\u001b[H";
  static final String LEAVE_ALTERNATE = "\u001b[0m\u001b[?25h\u001b[?1049l";
  private static final File TTY = dev.sbx.cli.output.Stty.TTY;

  /** Rows and columns. */
  record Size(int rows, int columns) {}

  private final String saved;
  private final OutputStream out = new FileOutputStream(FileDescriptor.out);
  private final AtomicBoolean restored = new AtomicBoolean();
  private final AtomicBoolean resized = new AtomicBoolean();
  private final Thread hook = new Thread(this::restore, "sbx-dashboard-restore");

  private RawTerminal(String saved) {
    this.saved = saved;
  }

  /** Switches the terminal to raw mode and the alternate screen. */
  static RawTerminal open() throws IOException {
    String saved = stty("-g").trim();
    RawTerminal terminal = new RawTerminal(saved);
    Runtime.getRuntime().addShutdownHook(terminal.hook);
    stty("raw", "-echo");
    terminal.write(ENTER_ALTERNATE);
    terminal.watchResize();
    return terminal;
  }

  Size size() {
    try {
      String[] parts = stty("size").trim().split("\\s+");
      return new Size(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    } catch (IOException | RuntimeException e) {
      return new Size(24, 80);
    }
  }

  /** True once after each SIGWINCH. */
  boolean resizedSinceLastAsked() {
    return resized.getAndSet(false);
  }

  void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
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
    if (!restored.compareAndSet(false, true)) {
      return;
    }
    try {
      write(LEAVE_ALTERNATE);
    } catch (IOException ignored) {
      // the terminal is gone; nothing to restore on screen
    }
    try {
      stty(saved);
    } catch (IOException ignored) {
      // same
    }
  }

  private void watchResize() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> resized.set(true));
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      // no SIGWINCH here: the periodic size check covers it
    }
  }

  static String stty(String... args) throws IOException {
    return dev.sbx.cli.output.Stty.run(args);
  }
}

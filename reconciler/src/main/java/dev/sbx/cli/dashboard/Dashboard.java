package dev.sbx.cli.dashboard;

import dev.sbx.cli.output.Style;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The dashboard loop: refresh from the {@link DashboardSource} every {@link #REFRESH_MILLIS}, apply
 * keys as they come ({@link DashboardState}), redraw only the lines that changed ({@link
 * DashboardView}). One thread owns state and screen; a daemon thread only copies input bytes into
 * a queue (a blocked read cannot hold up quitting).
 */
public final class Dashboard {
  static final long REFRESH_MILLIS = 1000;
  static final long SIZE_CHECK_MILLIS = 2000;
  private final DashboardSource source;
  private final DashboardView view;
  private final Style style;

  Dashboard(DashboardSource source, DashboardView view, Style style) {
    this.source = source;
    this.view = view;
    this.style = style;
  }

  /** Runs the dashboard for the daemon of {@code stateDir} on this process's terminal until q. */
  public static int run(java.nio.file.Path stateDir, boolean color) throws IOException, InterruptedException {
    Dashboard dashboard = new Dashboard(DaemonDashboardSource.of(stateDir), new DashboardView(java.time.ZoneId.systemDefault()),
        Style.of(color));
    try (RawTerminal terminal = RawTerminal.open()) {
      dashboard.loop(terminal, System.in);
    }
    return 0;
  }

  private void loop(RawTerminal terminal, InputStream input) throws IOException, InterruptedException {
    BlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> copy(input, bytes), "sbx-dashboard-keys");
    reader.setDaemon(true);
    reader.start();
    KeyDecoder keys = new KeyDecoder(bytes);
    DashboardState state = new DashboardState();
    RawTerminal.Size size = terminal.size();
    Snapshot snapshot = source.fetch();
    List<String> shown = List.of();
    long nextRefresh = System.nanoTime() + REFRESH_MILLIS * 1_000_000;
    long nextSizeCheck = System.nanoTime() + SIZE_CHECK_MILLIS * 1_000_000;
    while (true) {
      List<String> frame = view.render(state, snapshot, source.describe(), size.columns(), size.rows(), style);
      shown = draw(terminal, shown, frame);
      long waitMillis = Math.max(0, (nextRefresh - System.nanoTime()) / 1_000_000);
      Key key = keys.next(Math.min(waitMillis, 250));
      if (key != null) {
        Command command = state.handle(key, state.visible(snapshot));
        if (command instanceof Command.Quit) {
          return;
        }
        if (!(command instanceof Command.None)) {
          act(command, state);
          snapshot = source.fetch();
        }
      }
      long now = System.nanoTime();
      if (now >= nextRefresh) {
        snapshot = source.fetch();
        nextRefresh = now + REFRESH_MILLIS * 1_000_000;
      }
      if (terminal.resizedSinceLastAsked() || now >= nextSizeCheck) {
        RawTerminal.Size current = terminal.size();
        if (!current.equals(size)) {
          size = current;
          shown = List.of(); // everything moves: draw the whole frame again
          terminal.write("\u001b[2J");
        }
        nextSizeCheck = now + SIZE_CHECK_MILLIS * 1_000_000;
      }
    }
  }

  private void act(Command command, DashboardState state) {
    try {
      if (command instanceof Command.Stop stop) {
        source.stop(stop.sandbox());
        state.message("Stopped " + stop.sandbox() + ".");
      } else if (command instanceof Command.Restart restart) {
        source.restart(restart.sandbox());
        state.message("Restarted " + restart.sandbox() + ".");
      }
    } catch (DashboardSource.ActionFailed e) {
      state.message("Failed: " + e.getMessage());
    }
  }

  /** Writes the lines of {@code frame} that differ from {@code shown}; returns the frame. */
  static List<String> draw(RawTerminal terminal, List<String> shown, List<String> frame) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < frame.size(); i++) {
      if (i < shown.size() && shown.get(i).equals(frame.get(i))) {
        continue;
      }
      b.append("\u001b[").append(i + 1).append(";1H").append(frame.get(i)).append("\u001b[0m\u001b[K");
    }
    if (b.length() > 0) {
      terminal.write(b.toString());
    }
    return new ArrayList<>(frame);
  }

  private static void copy(InputStream in, BlockingQueue<Integer> bytes) {
    try {
      for (int b = in.read(); ; b = in.read()) {
        bytes.add(b);
        if (b < 0) {
          return;
        }
      }
    } catch (IOException e) {
      bytes.add(-1);
    }
  }
}

package dev.sbx.cli.dashboard;

import dev.sbx.cli.output.Style;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws one frame of the dashboard as exactly {@code height} lines of exactly {@code width} visible
 * columns (a pure function of state, snapshot and size, so it is tested without a terminal):
 *
 * <pre>
 * sbx — /state/dir — 3 sandboxes, 2 running                                    12:00:01
 *   SANDBOX     STATE    CPU  MEM  UPTIME  OWNER    │ TIME     SANDBOX  HOST:PORT        RULE   DECISION
 * > api-dev     running    2   2G  3m12s   dir:/g…  │ 12:00:00 api-dev  api.github.com:… allow… allow
 * ...
 * message line (questions, errors, filter input)
 * q quit  ↑/↓ select  s stop  r restart  e exec  / filter  ? help
 * </pre>
 *
 * The selected row is marked with {@code >} (and shown reversed when there is colour), so the
 * selection is visible on any terminal. Below 90 columns the right pane is left out.
 */
final class DashboardView {
  static final String KEYS = "q quit  ↑/↓ select  s stop  r restart  e exec  / filter  ? help";
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  static final int MIN_WIDTH = 40;
  static final int MIN_HEIGHT = 8;
  private static final String SEPARATOR = " │ ";
  private final ZoneId zone;

  DashboardView(ZoneId zone) {
    this.zone = zone;
  }

  List<String> render(DashboardState state, Snapshot snapshot, String source, int width, int height, Style style) {
    if (width < MIN_WIDTH || height < MIN_HEIGHT) {
      return block(List.of("Terminal too small:", "need " + MIN_WIDTH + "x" + MIN_HEIGHT + ".", "q quits."),
          Math.max(1, width), Math.max(1, height));
    }
    List<String> lines = new ArrayList<>(height);
    lines.add(title(snapshot, source, width, style));
    int body = height - 3;
    if (state.mode() == DashboardState.Mode.HELP) {
      lines.addAll(help(width, body));
    } else if (snapshot.problem().isPresent()) {
      lines.addAll(noDaemon(snapshot.problem().get(), width, body));
    } else {
      lines.addAll(panes(state, snapshot, width, body, style));
    }
    lines.add(messageLine(state, width, style));
    lines.add(style.reverse(Cells.fit(" " + KEYS, width)));
    return lines;
  }

  private String title(Snapshot snapshot, String source, int width, Style style) {
    long running = snapshot.sandboxes().stream().filter(s -> s.state().equals("running")).count();
    String left = " sbx dashboard — " + source + (snapshot.problem().isPresent() ? " — no daemon"
        : " — " + snapshot.sandboxes().size() + " sandboxes, " + running + " running");
    String right = CLOCK.format(snapshot.fetchedAt().atZone(zone)) + " ";
    int room = width - right.length();
    return style.reverse(Cells.fit(left, room) + right);
  }

  private List<String> panes(DashboardState state, Snapshot snapshot, int width, int height, Style style) {
    boolean two = width >= 90;
    int leftWidth = two ? width * 9 / 20 : width;
    int rightWidth = two ? width - leftWidth - SEPARATOR.length() : 0;
    List<String> left = sandboxPane(state, snapshot, leftWidth, height, style);
    if (!two) {
      return left;
    }
    List<String> right = decisionPane(state, snapshot, rightWidth, height, style);
    List<String> out = new ArrayList<>(height);
    for (int i = 0; i < height; i++) {
      out.add(left.get(i) + style.dim(SEPARATOR) + right.get(i));
    }
    return out;
  }

  /** Columns: marker 2, SANDBOX, STATE 8, CPU 3, MEM 5, UPTIME 6, OWNER; one blank between. */
  private List<String> sandboxPane(DashboardState state, Snapshot snapshot, int width, int height, Style style) {
    int fixed = 2 + 8 + 3 + 5 + 6 + 5;
    int flexible = Math.max(8, width - fixed);
    int nameWidth = Math.max(7, flexible * 3 / 5);
    int ownerWidth = Math.max(1, width - fixed - nameWidth);
    List<String> out = new ArrayList<>(height);
    out.add(style.bold(Cells.fit("  " + Cells.fit("SANDBOX", nameWidth) + " " + Cells.fit("STATE", 8) + " "
        + "CPU " + Cells.fit("  MEM", 5) + " " + Cells.fit("UPTIME", 6) + " " + "OWNER", width)));
    List<Snapshot.SandboxRow> visible = state.visible(snapshot);
    int selected = state.selectedIndex(visible);
    int rows = height - 1;
    int first = Math.max(0, Math.min(selected - rows + 1, visible.size() - rows));
    first = Math.max(0, Math.min(first, selected < 0 ? 0 : selected));
    if (visible.isEmpty()) {
      out.add(Cells.fit(snapshot.sandboxes().isEmpty() ? "  (no sandboxes: sbx apply -f DIR or sbx run creates one)"
          : "  (no sandbox matches the filter \"" + state.filter() + "\")", width));
    }
    for (int i = first; i < visible.size() && out.size() < height; i++) {
      Snapshot.SandboxRow s = visible.get(i);
      boolean isSelected = i == selected;
      String stateCell = Cells.fit(s.state(), 8);
      String before = (isSelected ? "> " : "  ") + Cells.fit(s.name(), nameWidth) + " ";
      String after = " " + String.format("%3s", s.cpus() <= 0 ? "-" : Integer.toString(s.cpus())) + " "
          + String.format("%5s", Cells.memory(s.memoryMib())) + " "
          + Cells.fit(s.uptime().map(Cells::duration).orElse("-"), 6) + " "
          + Cells.fit(s.owner().isEmpty() ? "-" : s.owner(), ownerWidth);
      String styled = isSelected && style.hasColor() ? style.reverse(before + stateCell + after)
          : before + styled(stateCell, style::state) + after;
      out.add(styled);
    }
    while (out.size() < height) {
      out.add(" ".repeat(width));
    }
    return out;
  }

  /** Newest first. Columns: TIME 8, SANDBOX, HOST:PORT, RULE, DECISION 8. */
  private List<String> decisionPane(DashboardState state, Snapshot snapshot, int width, int height, Style style) {
    int fixed = 8 + 8 + 4;
    int flexible = Math.max(12, width - fixed);
    int sandboxWidth = Math.max(7, flexible / 5);
    int hostWidth = Math.max(6, flexible * 2 / 5);
    int ruleWidth = Math.max(1, width - fixed - sandboxWidth - hostWidth);
    List<String> out = new ArrayList<>(height);
    out.add(style.bold(Cells.fit(Cells.fit("TIME", 8) + " " + Cells.fit("SANDBOX", sandboxWidth) + " "
        + Cells.fit("HOST:PORT", hostWidth) + " " + Cells.fit("RULE", ruleWidth) + " " + "DECISION", width)));
    List<Snapshot.DecisionRow> decisions = state.visibleDecisions(snapshot);
    if (!snapshot.decisionsAvailable()) {
      out.add(Cells.fit("(this daemon reports no network decisions)", width));
    } else if (decisions.isEmpty()) {
      out.add(Cells.fit(snapshot.decisions().isEmpty() ? "(no network decisions yet)"
          : "(no decision matches the filter)", width));
    }
    for (int i = decisions.size() - 1; i >= 0 && out.size() < height; i--) {
      Snapshot.DecisionRow d = decisions.get(i);
      String line = Cells.fit(CLOCK.format(d.time().atZone(zone)), 8) + " " + Cells.fit(d.sandbox(), sandboxWidth)
          + " " + Cells.fit(d.host() + ":" + d.port(), hostWidth) + " " + Cells.fit(d.rule(), ruleWidth) + " ";
      int room = width - (8 + 1 + sandboxWidth + 1 + hostWidth + 1 + ruleWidth + 1);
      out.add(line + styled(Cells.fit(d.decision(), room), style::decision));
    }
    while (out.size() < height) {
      out.add(" ".repeat(width));
    }
    return out;
  }

  /** Styles a padded cell by its text (the style functions look at the word, not the blanks). */
  private static String styled(String cell, java.util.function.UnaryOperator<String> styler) {
    String word = cell.stripTrailing();
    return styler.apply(word) + cell.substring(word.length());
  }

  private List<String> noDaemon(String problem, int width, int height) {
    List<String> text = List.of("", "  " + problem, "",
        "  Start one with:   sbx daemon",
        "  or apply a directory, which starts it:   sbx apply -f DIR", "",
        "  This screen fills in as soon as the daemon answers. It never starts VMs itself.",
        "  q quits.");
    return block(text, width, height);
  }

  private List<String> help(int width, int height) {
    List<String> text = List.of("", "  Keys", "",
        "  q, Ctrl-C    quit (the terminal is restored)",
        "  ↑/k  ↓/j     select a sandbox (Home/End: first/last)",
        "  s            stop the selected sandbox (asks y/n)",
        "  r            restart it: stop, then start (asks y/n)",
        "  e            how to run a shell in it (sbx exec, from another terminal)",
        "  /            filter both panes by a substring; Enter keeps it, Esc restores",
        "  Esc          clear the filter and the message",
        "  ?            this help (any key closes it)", "",
        "  Left: the sandboxes the daemon's runtime sees. Right: the newest network",
        "  decisions of its egress proxy, newest first. Refreshed every second.");
    return block(text, width, height);
  }

  private static List<String> block(List<String> text, int width, int height) {
    List<String> out = new ArrayList<>(height);
    for (int i = 0; i < height; i++) {
      out.add(Cells.fit(i < text.size() ? text.get(i) : "", width));
    }
    return out;
  }

  private String messageLine(DashboardState state, int width, Style style) {
    if (state.mode() == DashboardState.Mode.FILTER) {
      return Cells.fit(" /" + state.filter() + "▏  (Enter keeps, Esc restores)", width);
    }
    String m = state.message();
    return state.mode() == DashboardState.Mode.CONFIRM ? style.yellow(Cells.fit(" " + m, width))
        : Cells.fit(m.isEmpty() ? "" : " " + m, width);
  }
}

package dev.sbx.cli.dashboard;

import java.util.List;
import java.util.Locale;

/**
 * The dashboard's interaction state and its key bindings, apart from I/O so it can be tested key by
 * key: the selected sandbox (kept by name across refreshes), the filter, the message line, help, and
 * the confirmation that {@code s}top and {@code r}estart ask for (a stray key must not stop a VM).
 *
 * <pre>
 * q, Ctrl-C   quit                 ↑/k ↓/j   select         Home/End  first/last
 * s           stop (asks y/n)      r         restart (asks) e         how to open a shell
 * /           filter (Enter keeps, Esc restores)            ?         help       Esc  clear
 * </pre>
 */
final class DashboardState {
  enum Mode { NORMAL, FILTER, CONFIRM, HELP }

  private Mode mode = Mode.NORMAL;
  private String filter = "";
  private String filterBefore = "";
  private String selected;
  private String message = "";
  private Command pending = Command.NONE;

  Mode mode() {
    return mode;
  }

  String filter() {
    return filter;
  }

  String message() {
    return message;
  }

  void message(String text) {
    message = text;
  }

  /** The sandboxes the filter lets through (a case-insensitive substring of name, state or owner). */
  List<Snapshot.SandboxRow> visible(Snapshot snapshot) {
    return snapshot.sandboxes().stream().filter(s -> matches(s.name(), s.state(), s.owner())).toList();
  }

  /** The decisions the filter lets through (substring of sandbox, host, rule or decision). */
  List<Snapshot.DecisionRow> visibleDecisions(Snapshot snapshot) {
    return snapshot.decisions().stream().filter(d -> matches(d.sandbox(), d.host() + ":" + d.port(), d.rule(),
        d.decision())).toList();
  }

  private boolean matches(String... fields) {
    if (filter.isEmpty()) {
      return true;
    }
    String f = filter.toLowerCase(Locale.ROOT);
    for (String field : fields) {
      if (field.toLowerCase(Locale.ROOT).contains(f)) {
        return true;
      }
    }
    return false;
  }

  /** Index of the selected sandbox in {@code visible}; the first one when the selection is gone. */
  int selectedIndex(List<Snapshot.SandboxRow> visible) {
    for (int i = 0; i < visible.size(); i++) {
      if (visible.get(i).name().equals(selected)) {
        return i;
      }
    }
    return visible.isEmpty() ? -1 : 0;
  }

  /** Applies one key; {@code visible} is what the left pane shows now. */
  Command handle(Key key, List<Snapshot.SandboxRow> visible) {
    if (key.type() == Key.Type.CTRL_C || key.type() == Key.Type.EOF) {
      return Command.QUIT;
    }
    return switch (mode) {
      case FILTER -> filterKey(key);
      case CONFIRM -> confirmKey(key);
      case HELP -> helpKey(key);
      case NORMAL -> normalKey(key, visible);
    };
  }

  private Command normalKey(Key key, List<Snapshot.SandboxRow> visible) {
    int index = selectedIndex(visible);
    String name = index < 0 ? null : visible.get(index).name();
    switch (key.type()) {
      case UP -> select(visible, index - 1);
      case DOWN -> select(visible, index + 1);
      case HOME, PAGE_UP -> select(visible, 0);
      case END, PAGE_DOWN -> select(visible, visible.size() - 1);
      case ESCAPE -> {
        filter = "";
        message = "";
      }
      case CTRL_D -> {
        return Command.QUIT;
      }
      case CHAR -> {
        switch (key.codePoint()) {
          case 'q' -> {
            return Command.QUIT;
          }
          case 'k' -> select(visible, index - 1);
          case 'j' -> select(visible, index + 1);
          case '?' -> mode = Mode.HELP;
          case '/' -> {
            filterBefore = filter;
            mode = Mode.FILTER;
          }
          case 's' -> ask(name, new Command.Stop(name), "Stop " + name + "? (y/n)");
          case 'r' -> ask(name, new Command.Restart(name), "Restart " + name + " (stop, then start)? (y/n)");
          case 'e' -> message = name == null ? "No sandbox selected."
              : "Run a command in it: sbx exec -i " + name + " -- sh   (from another terminal)";
          default -> message = "Unknown key; ? shows the keys.";
        }
      }
      default -> { }
    }
    return Command.NONE;
  }

  private void ask(String name, Command command, String question) {
    if (name == null) {
      message = "No sandbox selected.";
      return;
    }
    pending = command;
    selected = name;
    message = question;
    mode = Mode.CONFIRM;
  }

  private void select(List<Snapshot.SandboxRow> visible, int index) {
    if (!visible.isEmpty()) {
      selected = visible.get(Math.max(0, Math.min(visible.size() - 1, index))).name();
    }
  }

  private Command filterKey(Key key) {
    switch (key.type()) {
      case ENTER -> {
        mode = Mode.NORMAL;
        message = filter.isEmpty() ? "" : "Filter: " + filter + "   (Esc clears)";
      }
      case ESCAPE -> {
        filter = filterBefore;
        mode = Mode.NORMAL;
      }
      case BACKSPACE -> {
        if (!filter.isEmpty()) {
          filter = filter.substring(0, filter.offsetByCodePoints(filter.length(), -1));
        }
      }
      case CHAR -> filter = filter + Character.toString(key.codePoint());
      default -> { }
    }
    return Command.NONE;
  }

  private Command confirmKey(Key key) {
    Command command = pending;
    pending = Command.NONE;
    mode = Mode.NORMAL;
    if (key.is('y') || key.is('Y')) {
      message = "";
      return command;
    }
    message = "Cancelled.";
    return Command.NONE;
  }

  private Command helpKey(Key key) {
    if (key.is('q')) {
      return Command.QUIT;
    }
    mode = Mode.NORMAL;
    return Command.NONE;
  }
}

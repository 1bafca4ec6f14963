package dev.sbx.cli.output;

import java.util.Locale;
import java.util.Map;

/**
 * {@code --color=auto|always|never}. {@code auto} (the default) colours only when standard output
 * is a terminal and {@code NO_COLOR} is unset or empty (https://no-color.org), and never for
 * {@code TERM=dumb}.
 */
public enum ColorMode {
  AUTO, ALWAYS, NEVER;

  /** Whether to colour, given whether stdout is a terminal and the environment. */
  public boolean enabled(boolean stdoutIsTerminal, Map<String, String> env) {
    return switch (this) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> stdoutIsTerminal && isEmpty(env.get("NO_COLOR")) && !"dumb".equals(env.get("TERM"));
    };
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  /** Lower-case names on the command line. */
  public static ColorMode parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--color must be auto, always or never, not '" + value + "'");
    }
  }
}

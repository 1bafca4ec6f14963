package dev.sbx.cli.output;

import java.util.Locale;

/**
 * ANSI styling that is either on or off as a whole: with colour off every method returns its
 * text unchanged, so callers never branch on it. Only SGR sequences (bold, dim, colours); states
 * and decisions get one colour each everywhere ({@link #state}, {@link #decision}).
 */
public final class Style {
  private static final Style PLAIN = new Style(false);
  private static final Style ANSI = new Style(true);
  private final boolean color;

  private Style(boolean color) {
    this.color = color;
  }

  public static Style plain() {
    return PLAIN;
  }

  public static Style ansi() {
    return ANSI;
  }

  public static Style of(boolean color) {
    return color ? ANSI : PLAIN;
  }

  public boolean hasColor() {
    return color;
  }

  public String bold(String s) {
    return sgr("1", s);
  }

  public String dim(String s) {
    return sgr("2", s);
  }

  public String red(String s) {
    return sgr("31", s);
  }

  public String green(String s) {
    return sgr("32", s);
  }

  public String yellow(String s) {
    return sgr("33", s);
  }

  public String reverse(String s) {
    return sgr("7", s);
  }

  /** A sandbox state: running green, failed/exited red, stopped/creating yellow. */
  public String state(String state) {
    return switch (state.toLowerCase(Locale.ROOT)) {
      case "running" -> green(state);
      case "failed", "exited", "crashed" -> red(state);
      case "stopped", "creating", "starting", "stopping" -> yellow(state);
      default -> state;
    };
  }

  /** An egress decision: allow green, deny red, error yellow. */
  public String decision(String decision) {
    return switch (decision.toLowerCase(Locale.ROOT)) {
      case "allow" -> green(decision);
      case "deny" -> red(decision);
      case "error" -> yellow(decision);
      default -> decision;
    };
  }

  private String sgr(String code, String s) {
    return color && !s.isEmpty() ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }

  /** {@code s} without ANSI escape sequences (to measure or compare styled text). */
  public static String strip(String s) {
    return s.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
  }
}

package dev.sbx.cli.output;

import java.util.Locale;

/** What {@code -o} selects for a command that lists or shows: an aligned table, JSON or YAML. */
public enum OutputFormat {
  TABLE, JSON, YAML;

  /** Lower-case names; {@code text} is kept as an alias of {@code table} (older {@code secret ls -o text}). */
  public static OutputFormat parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "table", "text", "wide" -> TABLE;
      case "json" -> JSON;
      case "yaml", "yml" -> YAML;
      default -> throw new IllegalArgumentException("-o must be table, json or yaml, not '" + value + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

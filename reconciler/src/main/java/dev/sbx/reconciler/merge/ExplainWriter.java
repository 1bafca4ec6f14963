package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.Positions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a rendered document as block YAML with a trailing {@code # from kit bun
 * (kits/bun/spec.yaml:12:7)} comment on each value that has an explanation. The output is valid
 * YAML that loads to the same document: comments are the only addition.
 */
final class ExplainWriter {
  /** Plain-scalar candidates (block context); ": ", " #" and a trailing space or colon excluded below. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/$~][A-Za-z0-9_./@+=$~ (),';:-]*");
  private static final Pattern RESERVED = Pattern.compile(
      "(?i)(true|false|yes|no|on|off|null|y|n|~)");

  private final Map<String, String> comments;
  private final StringBuilder out = new StringBuilder();

  private ExplainWriter(Map<String, String> comments) {
    this.comments = comments;
  }

  /** The document with comments keyed by JSON pointer. */
  static String write(Map<String, Object> document, Map<String, String> comments) {
    ExplainWriter w = new ExplainWriter(comments);
    w.map(document, "", 0);
    return w.out.toString();
  }

  private void map(Map<?, ?> m, String pointer, int indent) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      String child = Positions.child(pointer, key);
      out.append(" ".repeat(indent)).append(scalar(key)).append(':');
      value(e.getValue(), child, indent);
    }
  }

  private void list(List<?> l, String pointer, int indent) {
    for (int i = 0; i < l.size(); i++) {
      String child = Positions.child(pointer, i);
      out.append(" ".repeat(indent)).append('-');
      value(l.get(i), child, indent);
    }
  }

  /** Writes what follows {@code key:} or {@code -}, starting on the current line. */
  private void value(Object v, String pointer, int indent) {
    String comment = comments.get(pointer);
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      comment(comment);
      map(m, pointer, indent + 2);
    } else if (v instanceof List<?> l && !l.isEmpty()) {
      comment(comment);
      list(l, pointer, indent + 2);
    } else if (v instanceof String s && s.contains("\n") && literalSafe(s)) {
      out.append(" |").append(s.endsWith("\n\n") ? "+" : s.endsWith("\n") ? "" : "-");
      comment(comment);
      String body = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
      for (String line : body.split("\n", -1)) {
        out.append(line.isEmpty() ? "" : " ".repeat(indent + 2) + line).append('\n');
      }
    } else {
      out.append(' ').append(v instanceof Map ? "{}" : v instanceof List ? "[]" : scalar(v));
      comment(comment);
    }
  }

  private void comment(String comment) {
    if (comment != null) {
      StringBuilder one = new StringBuilder(comment.length());
      comment.chars().forEach(c -> one.append(lineSafe(c) ? (char) c : ' '));
      out.append("  # ").append(one);
    }
    out.append('\n');
  }

  private static boolean literalSafe(String s) {
    return !s.startsWith(" ") && !s.startsWith("\n") && !s.contains("\r") && !s.contains("\t")
        && s.chars().allMatch(c -> c == '\n' || lineSafe(c))
        && !s.contains(" \n") && !s.endsWith(" ");
  }

  /** Not a control character and not one of the characters some YAML readers take as a line break. */
  private static boolean lineSafe(int c) {
    return c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && c != 0x2028 && c != 0x2029 && c != 0xfeff;
  }

  /** A plain scalar when that reads back as the same string, else a JSON (= YAML) string. */
  static String scalar(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    String s = v.toString();
    if (PLAIN.matcher(s).matches() && !RESERVED.matcher(s).matches() && !s.contains(": ")
        && !s.contains(" #") && !s.endsWith(" ") && !s.endsWith(":")) {
      return s;
    }
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        case '\r' -> q.append("\\r");
        default -> {
          if (!lineSafe(c)) {
            q.append(String.format("\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }
}

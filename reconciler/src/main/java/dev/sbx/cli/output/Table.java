package dev.sbx.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An aligned text table as {@code sbx ls}, {@code sbx secret ls} and friends print it: an upper-case
 * header, each column as wide as its widest cell, columns three spaces apart (kubectl's spacing),
 * the last column never padded (no trailing blanks). A {@code null} or empty cell prints as
 * {@code -}. Widths count code points, so names with non-ASCII letters still line up.
 *
 * <pre>
 * Table t = Table.withHeader("SANDBOX", "STATUS");
 * t.row("dev", "running");
 * t.print(out, Style.plain());
 * </pre>
 */
public final class Table {
  static final String GAP = "   ";
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> header) {
    if (header.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.header = List.copyOf(header);
  }

  public static Table withHeader(String... columns) {
    return new Table(Arrays.asList(columns));
  }

  /** Adds a row; it must have one cell per column ({@code null} prints as {@code -}). */
  public Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + header.size()
          + " columns: " + Arrays.toString(cells));
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object cell : cells) {
      String text = cell == null ? "" : cell.toString();
      row.add(text.isEmpty() ? "-" : text.replace('\n', ' '));
    }
    rows.add(row);
    return this;
  }

  public int size() {
    return rows.size();
  }

  /** The table as lines, without styling. */
  public List<String> lines() {
    return lines(Style.plain());
  }

  /** The table as lines; the header is bold when the style has colour. */
  public List<String> lines(Style style) {
    int[] widths = new int[header.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = width(header.get(c));
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], width(row.get(c)));
      }
    }
    List<String> out = new ArrayList<>(rows.size() + 1);
    out.add(style.bold(line(header, widths)));
    for (List<String> row : rows) {
      out.add(line(row, widths));
    }
    return out;
  }

  public void print(PrintWriter out, Style style) {
    Objects.requireNonNull(out, "out");
    lines(style).forEach(out::println);
    out.flush();
  }

  @Override
  public String toString() {
    return String.join("\n", lines()) + "\n";
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      b.append(cell);
      if (c < cells.size() - 1) {
        b.append(" ".repeat(widths[c] - width(cell))).append(GAP);
      }
    }
    return b.toString();
  }

  /** Display width: code points, ANSI styling left out (cells may be styled). */
  static int width(String s) {
    String plain = Style.strip(s);
    return plain.codePointCount(0, plain.length());
  }
}

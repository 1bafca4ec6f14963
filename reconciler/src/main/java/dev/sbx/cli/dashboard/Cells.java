package dev.sbx.cli.dashboard;

import java.time.Duration;

/** Fitting plain text into fixed-width terminal cells, and the compact units the panes use. */
final class Cells {
  private Cells() {}

  /** {@code text} padded with blanks or cut (ending in …) to exactly {@code width} code points. */
  static String fit(String text, int width) {
    if (width <= 0) {
      return "";
    }
    int length = text.codePointCount(0, text.length());
    if (length <= width) {
      return text + " ".repeat(width - length);
    }
    return text.substring(0, text.offsetByCodePoints(0, width - 1)) + "…";
  }

  /** {@code 45s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}. */
  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format("%dd%02dh", s / 86400, (s % 86400) / 3600);
  }

  /** {@code 512M}, {@code 2G}, {@code 1.5G}. */
  static String memory(long mib) {
    if (mib <= 0) {
      return "-";
    }
    if (mib < 1024) {
      return mib + "M";
    }
    return mib % 1024 == 0 ? (mib / 1024) + "G" : String.format(java.util.Locale.ROOT, "%.1fG", mib / 1024.0);
  }
}

package dev.sbx.egress.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A stand-alone canonicaliser: lowercase, one trailing dot stripped, brackets removed, IPv6
 * compressed, IPv4-mapped IPv6 shown as IPv4; inet_aton shorthands ({@code 127.1}) are refused
 * rather than interpreted. Used when the proxy core's canonical form is not wired in.
 */
public final class SimpleHostCanonicalizer implements HostCanonicalizer {

  private static final Pattern NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
  private static final Pattern DOTTED = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  @Override
  public String canonical(String raw) {
    if (raw == null || raw.isEmpty() || raw.length() > 255) {
      return null;
    }
    String h = raw.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
      return h.contains(":") ? literal(h) : null;
    }
    if (h.contains(":")) {
      return literal(h);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.matches("[0-9.]+") || h.matches(".*\\.0x[0-9a-f]*$") || h.matches("0x[0-9a-f]*")) {
      return DOTTED.matcher(h).matches() ? literal(h) : null;
    }
    return NAME.matcher(h).matches() && h.length() <= 253 ? h : null;
  }

  private static String literal(String text) {
    if (!text.matches("[0-9a-f:.]+")) {
      return null;
    }
    if (!text.contains(":")) {
      for (String part : text.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return null;
        }
      }
    }
    try {
      String s = InetAddress.getByName(text).getHostAddress();
      return s.contains(":") ? compress(s) : s;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String compress(String full) {
    String[] g = full.split(":");
    int best = -1;
    int bestLen = 1;
    for (int i = 0; i < g.length; ) {
      int j = i;
      while (j < g.length && g[j].equals("0")) {
        j++;
      }
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    if (best < 0) {
      return full;
    }
    return String.join(":", java.util.Arrays.copyOfRange(g, 0, best)) + "::"
        + String.join(":", java.util.Arrays.copyOfRange(g, best + bestLen, g.length));
  }
}

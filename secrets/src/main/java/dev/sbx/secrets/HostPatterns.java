package dev.sbx.secrets;

import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host patterns of credential bindings, in the proxy's grammar: exact host or IP literal,
 * {@code *.x} (exactly one more label) and {@code **.x} (one or more). Patterns and hosts are put in
 * canonical form first (lowercase, one trailing dot stripped, IP literals normalised), the same
 * spelling the proxy uses, so {@code API.GitHub.com.} is {@code api.github.com}. A bare {@code *}
 * or {@code **} is refused: a credential that may go anywhere is no binding.
 */
public final class HostPatterns {

  private static final Pattern LABELS = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private HostPatterns() {}

  /** The canonical form of a host; null when it is not a valid host name or IP literal. */
  public static String canonicalHost(String host) {
    if (host == null || host.isEmpty() || host.length() > 255) {
      return null;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.contains(":")) {
      return ipLiteral(h);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (IPV4.matcher(h).matches()) {
      return ipLiteral(h);
    }
    return LABELS.matcher(h).matches() ? h : null;
  }

  /** Checks and canonicalises a user-supplied pattern. */
  public static String canonicalPattern(String pattern) {
    String p = pattern.trim();
    String prefix = "";
    if (p.startsWith("**.")) {
      prefix = "**.";
    } else if (p.startsWith("*.")) {
      prefix = "*.";
    }
    String rest = canonicalHost(p.substring(prefix.length()));
    if (rest == null || (!prefix.isEmpty() && (rest.contains(":") || IPV4.matcher(rest).matches()))) {
      throw new SecretsException(Problem.BAD_INPUT, null, "invalid host pattern '" + pattern + "'",
          "use a host name (api.example.com), an IP address, *.example.com (one label) or **.example.com (any depth)");
    }
    return prefix + rest;
  }

  /** Whether canonical {@code host} matches canonical {@code pattern}. */
  public static boolean matches(String pattern, String host) {
    if (pattern.startsWith("**.")) {
      String suffix = pattern.substring(2);
      return host.endsWith(suffix) && host.length() > suffix.length();
    }
    if (pattern.startsWith("*.")) {
      String suffix = pattern.substring(1);
      if (!host.endsWith(suffix) || host.length() == suffix.length()) {
        return false;
      }
      return host.substring(0, host.length() - suffix.length()).indexOf('.') < 0;
    }
    return pattern.equals(host);
  }

  private static String ipLiteral(String literal) {
    if (!literal.matches("[0-9a-f:.]+")) {
      return null;
    }
    try {
      // A literal only: InetAddress does not resolve strings made of hex digits, colons and dots... except
      // those it cannot parse, which the regex above and the checks below keep out.
      if (!literal.contains(":")) {
        for (String part : literal.split("\\.")) {
          if (Integer.parseInt(part) > 255) {
            return null;
          }
        }
      }
      InetAddress address = InetAddress.getByName(literal);
      String text = address.getHostAddress();
      return text.contains(":") ? compressIpv6(text) : text;
    } catch (UnknownHostException | NumberFormatException e) {
      return null;
    }
  }

  /** Inet6Address prints full form (0:0:...:1); shorten the longest zero run as RFC 5952 does. */
  static String compressIpv6(String full) {
    String[] groups = full.split(":");
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < groups.length; ) {
      if (groups[i].equals("0")) {
        int j = i;
        while (j < groups.length && groups[j].equals("0")) {
          j++;
        }
        if (j - i > bestLen && j - i > 1) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestStart < 0) {
      return full;
    }
    String left = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
    String right = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
    return left + "::" + right;
  }
}

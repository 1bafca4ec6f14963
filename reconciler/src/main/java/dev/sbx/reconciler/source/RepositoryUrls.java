package dev.sbx.reconciler.source;

import java.net.URI;
import java.util.Locale;

/** Comparing and printing repository URLs. */
final class RepositoryUrls {
  private RepositoryUrls() {}

  /** The URL without user info (a token can hide there: {@code https://x:TOKEN@host/...}). */
  static String redact(String url) {
    return url.replaceAll("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
  }

  /**
   * A form in which the https, ssh, scp-like and web URLs of one repository are equal: {@code
   * host/owner/name} in lower case without {@code .git}; file URLs become their path.
   */
  static String canonical(String url) {
    String u = redact(url.trim());
    String hostAndPath;
    if (u.matches("^[^/:@]+@[^/:]+:.*")) {
      hostAndPath = u.substring(u.indexOf('@') + 1).replaceFirst(":", "/");
    } else if (u.contains("://")) {
      URI uri = URI.create(u);
      hostAndPath = (uri.getHost() == null ? "" : uri.getHost()) + uri.getPath();
    } else {
      hostAndPath = u;
    }
    String c = hostAndPath.replaceAll("/+$", "").replaceAll("\\.git$", "").replaceAll("/+$", "");
    return c.toLowerCase(Locale.ROOT);
  }
}

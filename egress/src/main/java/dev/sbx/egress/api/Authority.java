package dev.sbx.egress.api;

import java.util.Objects;

/**
 * A canonical destination: host and port, parsed from a CONNECT target, an absolute URI or a Host
 * header. Ports are strict: {@code 1-65535}, decimal digits only, no sign, no leading zero.
 */
public record Authority(CanonicalHost host, int port) {
  public Authority {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Parses {@code host[:port]}, with IPv6 in brackets. {@code defaultPort} is used when the port
   * is absent; pass {@code -1} to require a port (CONNECT targets). Userinfo ({@code @}), an
   * unbracketed IPv6 address and more than one port are refused.
   */
  public static Authority parse(String text, int defaultPort) throws InvalidHostException {
    if (text == null || text.isEmpty()) {
      throw new InvalidHostException("empty authority");
    }
    if (text.indexOf('@') >= 0) {
      throw new InvalidHostException("userinfo is not accepted in a proxy target");
    }
    String hostText;
    String portText = null;
    if (text.charAt(0) == '[') {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new InvalidHostException("unterminated IPv6 literal");
      }
      hostText = text.substring(0, close + 1);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          throw new InvalidHostException("junk after IPv6 literal");
        }
        portText = rest.substring(1);
      }
    } else {
      int colon = text.indexOf(':');
      if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
        throw new InvalidHostException("more than one ':' (IPv6 literals must be bracketed)");
      }
      hostText = colon >= 0 ? text.substring(0, colon) : text;
      portText = colon >= 0 ? text.substring(colon + 1) : null;
    }
    int port;
    if (portText == null) {
      if (defaultPort < 0) {
        throw new InvalidHostException("a port is required");
      }
      port = defaultPort;
    } else {
      port = parsePort(portText);
    }
    return new Authority(CanonicalHost.parse(hostText), port);
  }

  /** Strict port: {@code [1-9][0-9]{0,4}} and at most 65535. */
  public static int parsePort(String text) throws InvalidHostException {
    if (text.isEmpty() || text.length() > 5 || text.charAt(0) < '1' || text.charAt(0) > '9') {
      throw new InvalidHostException("invalid port");
    }
    int port = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidHostException("invalid port");
      }
      port = port * 10 + (c - '0');
    }
    if (port > 65535) {
      throw new InvalidHostException("invalid port");
    }
    return port;
  }

  @Override
  public String toString() {
    return host.authority(port);
  }
}

package dev.sbx.vm.ports;

import java.util.Optional;

/**
 * One {@code --publish}/{@code --unpublish} argument, {@code [[IP:]HOST:]GUEST} as in
 * {@code docker run -p}: {@code 8080} (an ephemeral host port on 127.0.0.1),
 * {@code 9000:8080}, {@code 127.0.0.1:9000:8080}, {@code [::1]:9000:8080}.
 *
 * @param hostIp the address to listen on; {@code null} when not given (publish: {@link #DEFAULT_HOST_IP};
 *     unpublish: any address)
 * @param hostPort 0 when not given (publish: an ephemeral port; unpublish: any host port)
 */
public record PortSpec(String hostIp, int hostPort, int guestPort) {
  /** Published ports listen on loopback unless an address is given: a sandbox is not a public server. */
  public static final String DEFAULT_HOST_IP = "127.0.0.1";

  public PortSpec {
    if (hostPort < 0 || hostPort > 65535) {
      throw new IllegalArgumentException("host port " + hostPort + " is not in 0..65535");
    }
    if (guestPort < 1 || guestPort > 65535) {
      throw new IllegalArgumentException("guest port " + guestPort + " is not in 1..65535");
    }
    if (hostIp != null && (hostIp.isEmpty() || hostIp.contains("[") || hostIp.contains("]"))) {
      throw new IllegalArgumentException("host address '" + hostIp + "' is not an IP address");
    }
  }

  /** Parses {@code [[IP:]HOST:]GUEST}; an IPv6 address goes in brackets. */
  public static PortSpec parse(String text) {
    String hint = "expected [[IP:]HOST:]GUEST, e.g. 8080, 9000:8080 or 127.0.0.1:9000:8080";
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty port mapping; " + hint);
    }
    String rest = text.strip();
    String ip = null;
    if (rest.startsWith("[")) {
      int close = rest.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("'" + text + "': unclosed [ in the address; " + hint);
      }
      ip = rest.substring(1, close);
      rest = rest.substring(close + 2);
      if (rest.indexOf(':') < 0) {
        throw new IllegalArgumentException("'" + text + "': an address needs a host port too; " + hint);
      }
    }
    String[] parts = rest.split(":", -1);
    if (ip != null && parts.length != 2 || parts.length > 3) {
      throw new IllegalArgumentException("'" + text + "': too many ':' (IPv6 addresses go in brackets); " + hint);
    }
    if (parts.length == 3) {
      ip = parts[0];
    }
    int guest = port(parts[parts.length - 1], text, hint);
    int host = parts.length >= 2 ? port(parts[parts.length - 2], text, hint) : 0;
    if (ip != null && !isIpLiteral(ip)) {
      throw new IllegalArgumentException("'" + text + "': '" + ip + "' is not an IP address; " + hint);
    }
    try {
      return new PortSpec(ip, host, guest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "': " + e.getMessage() + "; " + hint);
    }
  }

  /** Dotted IPv4 or an IPv6 literal: a host name would need DNS to bind, which docker -p refuses too. */
  static boolean isIpLiteral(String ip) {
    if (ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
      return java.util.Arrays.stream(ip.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
    }
    return ip.contains(":") && ip.matches("[0-9A-Fa-f:.]+");
  }

  private static int port(String s, String text, String hint) {
    if (!s.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("'" + text + "': '" + s + "' is not a port number; " + hint);
    }
    return Integer.parseInt(s);
  }

  /** The address to listen on. */
  public String bindIp() {
    return hostIp == null ? DEFAULT_HOST_IP : hostIp;
  }

  public Optional<String> explicitHostIp() {
    return Optional.ofNullable(hostIp);
  }

  /** As an unpublish filter: does it name this published port? Unset parts match anything. */
  public boolean matches(PublishedPort p) {
    return guestPort == p.guestPort() && (hostPort == 0 || hostPort == p.hostPort())
        && (hostIp == null || hostIp.equals(p.hostIp()));
  }

  /** The canonical spelling, which {@link #parse(String)} reads back. */
  @Override
  public String toString() {
    String ip = hostIp == null ? "" : (hostIp.contains(":") ? "[" + hostIp + "]" : hostIp) + ":";
    return hostIp == null && hostPort == 0 ? "" + guestPort : ip + hostPort + ":" + guestPort;
  }
}

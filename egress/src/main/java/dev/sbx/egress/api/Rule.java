package dev.sbx.egress.api;

import java.util.Objects;

/**
 * One network rule, in the grammar of Docker Sandboxes:
 *
 * <ul>
 *   <li>{@code example.com} exactly that host (no subdomains);
 *   <li>{@code *.example.com} exactly one label below it ({@code a.example.com}, not
 *       {@code example.com}, not {@code a.b.example.com});
 *   <li>{@code **.example.com} any depth below it, never the apex;
 *   <li>{@code **} every host;
 *   <li>{@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 203.0.113.7} an address range;
 *   <li>any of these with {@code :PORT} ({@code [v6]:PORT} or {@code [v6/len]:PORT} for IPv6):
 *       only that port. Without a port a rule covers every port.
 * </ul>
 *
 * Hosts are stored canonical ({@link CanonicalHost}); wildcards never match IP literals.
 *
 * @param port the port the rule is limited to, or 0 for every port
 */
public record Rule(Kind kind, String host, Cidr cidr, int port) {

  /** The rule forms. */
  public enum Kind {
    EXACT,
    ONE_LABEL,
    ANY_DEPTH,
    ANY,
    CIDR
  }

  public Rule {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.CIDR) != (cidr != null)) {
      throw new IllegalArgumentException("cidr is set exactly for CIDR rules");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Parses one rule.
   *
   * @throws InvalidRuleException naming the rule and what to write instead
   */
  public static Rule parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    if (t.isEmpty()) {
      throw new InvalidRuleException(text, "empty rule", "");
    }
    String hostPart = t;
    int port = 0;
    try {
      if (t.startsWith("[")) {
        int close = t.indexOf(']');
        if (close < 0) {
          throw new InvalidRuleException(text, "unterminated '['", "write IPv6 as [2001:db8::1]:443");
        }
        hostPart = t.substring(1, close);
        String rest = t.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw new InvalidRuleException(text, "junk after ']'", "write IPv6 as [2001:db8::1]:443");
          }
          port = Authority.parsePort(rest.substring(1));
        }
        if (hostPart.indexOf(':') < 0) {
          throw new InvalidRuleException(text, "brackets are only for IPv6", "");
        }
        return new Rule(Kind.CIDR, null, Cidr.parse(hostPart), port);
      }
      int colons = (int) t.chars().filter(c -> c == ':').count();
      if (colons > 1) {
        if (t.indexOf('*') < 0) {
          // An unbracketed IPv6 rule is fine without a port (2001:db8::1:443 would be ambiguous).
          return new Rule(Kind.CIDR, null, Cidr.parse(t), 0);
        }
        throw new InvalidRuleException(text, "more than one ':'", "write IPv6 as [2001:db8::1]:443");
      }
      if (colons == 1) {
        int colon = t.indexOf(':');
        hostPart = t.substring(0, colon);
        port = Authority.parsePort(t.substring(colon + 1));
      }
    } catch (InvalidHostException e) {
      throw new InvalidRuleException(text, e.getMessage(), "ports are 1-65535 without leading zeros");
    }
    if (hostPart.equals("**")) {
      return new Rule(Kind.ANY, null, null, port);
    }
    if (hostPart.equals("*")) {
      throw new InvalidRuleException(text, "'*' alone is not a rule", "use ** for every host");
    }
    Kind kind = Kind.EXACT;
    String name = hostPart;
    if (hostPart.startsWith("**.")) {
      kind = Kind.ANY_DEPTH;
      name = hostPart.substring(3);
    } else if (hostPart.startsWith("*.")) {
      kind = Kind.ONE_LABEL;
      name = hostPart.substring(2);
    }
    if (name.indexOf('*') >= 0) {
      throw new InvalidRuleException(
          text, "'*' may only start a rule", "write *.example.com (one label) or **.example.com (any depth)");
    }
    try {
      if (name.indexOf('/') >= 0) {
        if (kind != Kind.EXACT) {
          throw new InvalidRuleException(text, "a wildcard cannot be combined with a CIDR", "");
        }
        return new Rule(Kind.CIDR, null, Cidr.parse(name), port);
      }
      CanonicalHost canonical = CanonicalHost.parse(name);
      if (canonical.isIp()) {
        if (kind != Kind.EXACT) {
          throw new InvalidRuleException(text, "wildcards never match IP addresses", "use a CIDR such as 10.0.0.0/8");
        }
        return new Rule(Kind.CIDR, null, Cidr.parse(canonical.value()), port);
      }
      if (kind != Kind.EXACT && canonical.value().indexOf('.') < 0) {
        throw new InvalidRuleException(
            text, "wildcard over a top-level domain is too broad", "name at least two labels, e.g. *.example.com");
      }
      return new Rule(kind, canonical.value(), null, port);
    } catch (InvalidHostException e) {
      throw new InvalidRuleException(text, e.getMessage(), "");
    }
  }

  /** Whether this rule names addresses (CIDR or single IP) rather than host names. */
  public boolean isAddressRule() {
    return kind == Kind.CIDR;
  }

  /** Whether the rule covers this port (portless rules cover every port). */
  public boolean coversPort(int p) {
    return port == 0 || port == p;
  }

  /** The canonical text of the rule; parsing it again gives an equal rule. */
  @Override
  public String toString() {
    String h = switch (kind) {
      case EXACT -> host;
      case ONE_LABEL -> "*." + host;
      case ANY_DEPTH -> "**." + host;
      case ANY -> "**";
      case CIDR -> cidr.isSingleAddress() ? cidrHost() : cidr.toString();
    };
    if (port == 0) {
      return h;
    }
    return kind == Kind.CIDR && cidr.base().length == 16 ? "[" + h + "]:" + port : h + ":" + port;
  }

  private String cidrHost() {
    String s = cidr.toString();
    return s.substring(0, s.indexOf('/'));
  }
}

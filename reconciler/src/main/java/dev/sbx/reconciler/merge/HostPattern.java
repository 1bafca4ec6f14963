package dev.sbx.reconciler.merge;

import java.util.Locale;

/**
 * A parsed egress rule, only as far as the merge engine needs it: to tell whether one rule
 * covers another (for {@link KitAllows#INTERSECT} and for marking allows a deny shadows). The
 * egress module owns request-time matching; this is a conservative subset: when in doubt it
 * answers "does not cover".
 *
 * <p>Grammar: {@code **}, {@code **.suffix} (any depth), {@code *.suffix} (one label), an exact
 * host, an IP or CIDR, each with an optional {@code :port}, {@code :lo-hi} or {@code :*}.
 */
record HostPattern(Kind kind, String host, int portLow, int portHigh) {
  enum Kind { ANY, ANY_DEPTH, ONE_LABEL, EXACT }

  static HostPattern parse(String rule) {
    String r = Fold.canonicalRule(rule);
    int low = 0;
    int high = 65535;
    int colon = r.lastIndexOf(':');
    if (colon > 0 && r.indexOf(':') == colon) {
      String port = r.substring(colon + 1);
      r = r.substring(0, colon);
      if (!port.equals("*")) {
        int dash = port.indexOf('-');
        try {
          low = Integer.parseInt(dash < 0 ? port : port.substring(0, dash));
          high = dash < 0 ? low : Integer.parseInt(port.substring(dash + 1));
        } catch (NumberFormatException e) {
          low = -1;
          high = -1;
        }
      }
    }
    if (r.equals("**")) {
      return new HostPattern(Kind.ANY, "", low, high);
    }
    if (r.startsWith("**.")) {
      return new HostPattern(Kind.ANY_DEPTH, r.substring(3), low, high);
    }
    if (r.startsWith("*.")) {
      return new HostPattern(Kind.ONE_LABEL, r.substring(2), low, high);
    }
    return new HostPattern(Kind.EXACT, r.toLowerCase(Locale.ROOT), low, high);
  }

  /** True when every host:port this rule's {@code other} matches is matched by this one. */
  boolean covers(HostPattern other) {
    if (other.portLow < portLow || other.portHigh > portHigh || other.portLow < 0) {
      return false;
    }
    return switch (kind) {
      case ANY -> true;
      case EXACT -> other.kind == Kind.EXACT && other.host.equals(host);
      case ONE_LABEL -> (other.kind == Kind.ONE_LABEL && other.host.equals(host))
          || (other.kind == Kind.EXACT && oneLabelUnder(other.host, host));
      case ANY_DEPTH -> other.kind != Kind.ANY && (other.kind == Kind.EXACT
          ? other.host.endsWith("." + host) : other.host.equals(host)
              || other.host.endsWith("." + host));
    };
  }

  private static boolean oneLabelUnder(String name, String suffix) {
    if (!name.endsWith("." + suffix)) {
      return false;
    }
    String label = name.substring(0, name.length() - suffix.length() - 1);
    return !label.isEmpty() && label.indexOf('.') < 0;
  }
}

package dev.sbx.egress.policy;

import dev.sbx.egress.api.Cidr;
import dev.sbx.egress.api.InvalidHostException;
import dev.sbx.egress.api.Rule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks resolved (or literal) destination addresses. Every answer must pass: one address in an
 * always-refused range refuses the request (a mixed answer is what a rebinding attack looks like),
 * unless an explicit IP/CIDR allow rule names that very address. Addresses embedding an IPv4
 * address (IPv4-compatible, NAT64, 6to4) are judged by the embedded address too, and never earn
 * a carve-out through it. Netty-free.
 */
public final class AddressGuard {

  /** The result of checking a set of answers. */
  public sealed interface Verdict {}

  /** Dial exactly {@code address}. */
  public record Pass(InetAddress address) implements Verdict {}

  /** Refused; {@code addressClass} is safe to show the client (never the address itself). */
  public record Refuse(String rule, String addressClass) implements Verdict {}

  private record Range(Cidr cidr, String label) {}

  private static final List<Range> V4 = List.of(
      range("0.0.0.0/8", "unspecified"),
      range("10.0.0.0/8", "private"),
      range("100.64.0.0/10", "carrier-grade NAT"),
      range("127.0.0.0/8", "loopback"),
      range("169.254.0.0/16", "link-local (metadata)"),
      range("172.16.0.0/12", "private"),
      range("192.0.0.0/24", "IETF protocol assignments (metadata)"),
      range("192.168.0.0/16", "private"),
      range("198.18.0.0/15", "benchmarking"),
      range("168.63.129.16/32", "cloud metadata"),
      range("224.0.0.0/4", "multicast"),
      range("240.0.0.0/4", "reserved or broadcast"));

  private static final List<Range> V6 = List.of(
      range("::/128", "unspecified"),
      range("::1/128", "loopback"),
      range("64:ff9b:1::/48", "local-use NAT64"),
      range("100::/64", "discard"),
      range("2001::/32", "Teredo"),
      range("fc00::/7", "unique-local (private)"),
      range("fe80::/10", "link-local"),
      range("fec0::/10", "site-local"),
      range("ff00::/8", "multicast"));

  private static final Cidr COMPAT = cidr("::/96");
  private static final Cidr NAT64 = cidr("64:ff9b::/96");
  private static final Cidr SIX_TO_FOUR = cidr("2002::/16");

  private final Set<InetSocketAddress> listeners;
  private final Set<InetAddress> hostAddresses;

  /**
   * @param listeners the proxy's own listen sockets: never dialed, whatever the rules say (a loop)
   * @param hostAddresses this host's interface addresses: refused like private space unless an
   *     explicit rule names them (a service bound to 0.0.0.0 answers there)
   */
  public AddressGuard(Set<InetSocketAddress> listeners, Set<InetAddress> hostAddresses) {
    this.listeners = Set.copyOf(listeners);
    this.hostAddresses = Set.copyOf(hostAddresses);
  }

  /**
   * Checks every answer for {@code port} under {@code policy}; passes the first answer when all
   * pass.
   */
  public Verdict check(List<InetAddress> answers, int port, EgressPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    if (answers.isEmpty()) {
      return new Refuse("address guard", "no addresses");
    }
    for (InetAddress a : answers) {
      Optional<Rule> denied = policy.denyingAddress(a, port);
      if (denied.isPresent()) {
        return new Refuse("deny " + denied.get(), "a denied address range");
      }
      if (listeners.contains(new InetSocketAddress(a, port))) {
        return new Refuse("address guard", "the proxy's own listener");
      }
      Optional<String> refused = refusedClass(a);
      if (refused.isEmpty() && hostAddresses.contains(a)) {
        refused = Optional.of("this host's own");
      }
      if (refused.isPresent() && policy.explicitlyAllowing(a, port).isEmpty()) {
        return new Refuse("address guard", refused.get());
      }
    }
    return new Pass(answers.get(0));
  }

  /** The always-refused class of an address, if it is in one. */
  public static Optional<String> refusedClass(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return v4Class(b);
    }
    for (Range r : V6) {
      if (r.cidr().contains(b)) {
        return Optional.of(r.label());
      }
    }
    byte[] embedded = null;
    String form = null;
    if (COMPAT.contains(b) || isMapped(b)) {
      embedded = slice(b, 12);
      form = "IPv4-compatible";
    } else if (NAT64.contains(b)) {
      embedded = slice(b, 12);
      form = "NAT64";
    } else if (SIX_TO_FOUR.contains(b)) {
      embedded = slice(b, 2);
      form = "6to4";
    }
    if (embedded != null) {
      Optional<String> inner = v4Class(embedded);
      if (inner.isPresent()) {
        return Optional.of(form + " form of a " + inner.get() + " address");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> v4Class(byte[] b) {
    for (Range r : V4) {
      if (r.cidr().contains(b)) {
        return Optional.of(r.label());
      }
    }
    return Optional.empty();
  }

  private static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static byte[] slice(byte[] b, int from) {
    byte[] out = new byte[4];
    System.arraycopy(b, from, out, 0, 4);
    return out;
  }

  private static Range range(String text, String label) {
    return new Range(cidr(text), label);
  }

  private static Cidr cidr(String text) {
    try {
      return Cidr.parse(text);
    } catch (InvalidHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For tests and callers holding a literal. */
  static InetAddress literal(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.sbx.egress.api;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/** An IPv4 or IPv6 network: base address (host bits cleared) and prefix length. */
public record Cidr(byte[] base, int prefix) {
  public Cidr {
    Objects.requireNonNull(base, "base");
    if (base.length != 4 && base.length != 16) {
      throw new IllegalArgumentException("address must have 4 or 16 bytes");
    }
    if (prefix < 0 || prefix > base.length * 8) {
      throw new IllegalArgumentException("prefix out of range: " + prefix);
    }
    base = mask(base.clone(), prefix);
  }

  /** Parses {@code a.b.c.d/n}, {@code v6::/n} or a bare address (full-length prefix). */
  public static Cidr parse(String text) throws InvalidHostException {
    int slash = text.indexOf('/');
    String addressText = slash >= 0 ? text.substring(0, slash) : text;
    CanonicalHost host = CanonicalHost.parse(addressText);
    if (!host.isIp()) {
      throw new InvalidHostException("'" + addressText + "' is not an IP address");
    }
    byte[] bytes = host.address().getAddress();
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new InvalidHostException("invalid prefix length '" + p + "'");
      }
      prefix = Integer.parseInt(p);
      if (prefix > bytes.length * 8) {
        throw new InvalidHostException("prefix length " + prefix + " is too long");
      }
    }
    return new Cidr(bytes, prefix);
  }

  public static Cidr of(InetAddress address, int prefix) {
    return new Cidr(address.getAddress(), prefix);
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  public boolean contains(byte[] address) {
    if (address.length != base.length) {
      return false;
    }
    return Arrays.equals(mask(address.clone(), prefix), base);
  }

  public boolean isSingleAddress() {
    return prefix == base.length * 8;
  }

  @Override
  public byte[] base() {
    return base.clone();
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    for (int i = 0; i < bytes.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - 8 * i));
      bytes[i] &= (byte) (0xff << (8 - bits));
    }
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.base, base);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(base) * 31 + prefix;
  }

  @Override
  public String toString() {
    try {
      CanonicalHost h = CanonicalHost.of(InetAddress.getByAddress(base));
      String addr = base.length == 16 && h.type() == CanonicalHost.Type.IPV4 ? "::ffff:" + h.value() : h.value();
      return addr + "/" + prefix;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.sbx.egress.api;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * The one spelling of a destination host that sbx uses for matching, logging, interception and
 * dialing. Names are lowercase ASCII (non-ASCII goes through IDNA to punycode), with one trailing
 * dot removed; IPv4 literals in any inet_aton spelling ({@code 2130706433}, {@code 0x7f.1},
 * {@code 0177.0.0.1}) become dotted decimal; IPv6 literals are compressed per RFC 5952, and an
 * IPv4-mapped IPv6 literal becomes the IPv4 it maps. Zone identifiers, control bytes, spaces,
 * {@code % / \ @ *} and anything else outside {@code [a-z0-9._-]} are refused.
 *
 * <p>Parsing never consults DNS.
 */
public record CanonicalHost(String value, Type type) {

  /** What kind of host this is. */
  public enum Type {
    NAME,
    IPV4,
    IPV6
  }

  public CanonicalHost {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(type, "type");
  }

  private static final int MAX_INPUT = 1024;

  /**
   * Canonicalises a host as it appears in a request or rule: a name, an IPv4 literal in any
   * spelling, or an IPv6 literal with or without brackets.
   */
  public static CanonicalHost parse(String raw) throws InvalidHostException {
    if (raw == null || raw.isEmpty()) {
      throw new InvalidHostException("empty host");
    }
    if (raw.length() > MAX_INPUT) {
      throw new InvalidHostException("host is too long");
    }
    if (raw.charAt(0) == '[') {
      if (raw.length() < 3 || raw.charAt(raw.length() - 1) != ']') {
        throw new InvalidHostException("unterminated IPv6 literal");
      }
      return ipv6(raw.substring(1, raw.length() - 1));
    }
    if (raw.indexOf(':') >= 0) {
      return ipv6(raw);
    }
    String ascii = raw;
    if (!isAscii(raw)) {
      try {
        ascii = IDN.toASCII(raw, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        throw new InvalidHostException("host is not a valid internationalised name");
      }
      if (!isAscii(ascii) || ascii.indexOf(':') >= 0) {
        throw new InvalidHostException("host is not a valid internationalised name");
      }
    }
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_';
      if (!ok) {
        throw new InvalidHostException("host contains a forbidden character (" + describe(c) + ")");
      }
    }
    String host = ascii.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new InvalidHostException("empty host");
    }
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()) {
        throw new InvalidHostException("host has an empty label");
      }
    }
    if (endsInNumber(labels[labels.length - 1])) {
      return new CanonicalHost(formatV4(inetAton(labels)), Type.IPV4);
    }
    if (host.length() > 253) {
      throw new InvalidHostException("host name is longer than 253 characters");
    }
    for (String label : labels) {
      if (label.length() > 63) {
        throw new InvalidHostException("host name has a label longer than 63 characters");
      }
    }
    return new CanonicalHost(host, Type.NAME);
  }

  /** Whether this is an IPv4 or IPv6 literal. */
  public boolean isIp() {
    return type != Type.NAME;
  }

  /** The literal address of an IP host (no DNS); throws for names. */
  public InetAddress address() {
    if (!isIp()) {
      throw new IllegalStateException("not an IP literal: " + value);
    }
    try {
      return InetAddress.getByAddress(type == Type.IPV4 ? parseDottedV4(value) : parseV6(value));
    } catch (UnknownHostException | InvalidHostException e) {
      throw new IllegalStateException("canonical IP did not parse: " + value, e);
    }
  }

  /** The host as written in a URI or Host header: IPv6 in brackets. */
  public String uriHost() {
    return type == Type.IPV6 ? "[" + value + "]" : value;
  }

  /** {@code host:port} with IPv6 in brackets. */
  public String authority(int port) {
    return uriHost() + ":" + port;
  }

  /** The canonical spelling of an address (IPv4-mapped IPv6 becomes IPv4). */
  public static CanonicalHost of(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return new CanonicalHost(formatV4(toLong(b)), Type.IPV4);
    }
    if (isV4Mapped(b)) {
      return new CanonicalHost(formatV4(toLong(java.util.Arrays.copyOfRange(b, 12, 16))), Type.IPV4);
    }
    return new CanonicalHost(formatV6(b), Type.IPV6);
  }

  @Override
  public String toString() {
    return value;
  }

  // ---- IPv4 --------------------------------------------------------------------------------

  /** WHATWG URL "ends in a number": such a host must be a valid IPv4 address or nothing. */
  private static boolean endsInNumber(String last) {
    if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    if (last.startsWith("0x")) {
      return last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
    return false;
  }

  private static long inetAton(String[] parts) throws InvalidHostException {
    if (parts.length > 4) {
      throw new InvalidHostException("not a valid IPv4 address");
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = ipv4Part(parts[i]);
    }
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 255) {
        throw new InvalidHostException("not a valid IPv4 address");
      }
    }
    long last = values[parts.length - 1];
    if (last >= (1L << (8 * (5 - parts.length)))) {
      throw new InvalidHostException("not a valid IPv4 address");
    }
    long address = last;
    for (int i = 0; i < parts.length - 1; i++) {
      address += values[i] << (8 * (3 - i));
    }
    return address;
  }

  private static long ipv4Part(String part) throws InvalidHostException {
    int radix = 10;
    String digits = part;
    if (part.startsWith("0x")) {
      radix = 16;
      digits = part.substring(2);
      if (digits.isEmpty()) {
        return 0;
      }
    } else if (part.length() > 1 && part.charAt(0) == '0') {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.length() > 12) {
      throw new InvalidHostException("not a valid IPv4 address");
    }
    long v = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = Character.digit(digits.charAt(i), radix);
      if (d < 0) {
        throw new InvalidHostException("not a valid IPv4 address");
      }
      v = v * radix + d;
    }
    return v;
  }

  private static String formatV4(long a) {
    return ((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
  }

  private static long toLong(byte[] b) {
    return ((b[0] & 255L) << 24) | ((b[1] & 255L) << 16) | ((b[2] & 255L) << 8) | (b[3] & 255L);
  }

  /** Strict dotted-decimal (four parts, 0-255, no leading zeros): the form inside IPv6 text. */
  private static byte[] parseDottedV4(String s) throws InvalidHostException {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw new InvalidHostException("not a valid IPv4 address");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
          || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new InvalidHostException("not a valid IPv4 address");
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new InvalidHostException("not a valid IPv4 address");
      }
      out[i] = (byte) v;
    }
    return out;
  }

  // ---- IPv6 --------------------------------------------------------------------------------

  private static CanonicalHost ipv6(String text) throws InvalidHostException {
    if (text.indexOf('%') >= 0) {
      throw new InvalidHostException("IPv6 zone identifiers are not accepted");
    }
    byte[] b = parseV6(text.toLowerCase(Locale.ROOT));
    if (isV4Mapped(b)) {
      return new CanonicalHost(formatV4(toLong(java.util.Arrays.copyOfRange(b, 12, 16))), Type.IPV4);
    }
    return new CanonicalHost(formatV6(b), Type.IPV6);
  }

  static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static byte[] parseV6(String s) throws InvalidHostException {
    if (s.isEmpty() || s.length() > 45) {
      throw new InvalidHostException("not a valid IPv6 address");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0) || c > 'f') {
        throw new InvalidHostException("not a valid IPv6 address");
      }
    }
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      throw new InvalidHostException("not a valid IPv6 address");
    }
    byte[] head = new byte[16];
    byte[] tail = new byte[16];
    int headLen;
    int tailLen = 0;
    if (doubleColon >= 0) {
      headLen = groups(s.substring(0, doubleColon), head, false);
      tailLen = groups(s.substring(doubleColon + 2), tail, true);
      if (headLen + tailLen > 14) {
        throw new InvalidHostException("not a valid IPv6 address");
      }
    } else {
      headLen = groups(s, head, true);
      if (headLen != 16) {
        throw new InvalidHostException("not a valid IPv6 address");
      }
    }
    byte[] out = new byte[16];
    System.arraycopy(head, 0, out, 0, headLen);
    System.arraycopy(tail, 0, out, 16 - tailLen, tailLen);
    return out;
  }

  /** Parses colon-separated groups (the last may be dotted IPv4 if allowed); returns bytes used. */
  private static int groups(String s, byte[] out, boolean v4Allowed) throws InvalidHostException {
    if (s.isEmpty()) {
      return 0;
    }
    String[] parts = s.split(":", -1);
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (i == parts.length - 1 && v4Allowed && p.indexOf('.') >= 0) {
        if (n + 4 > 16) {
          throw new InvalidHostException("not a valid IPv6 address");
        }
        System.arraycopy(parseDottedV4(p), 0, out, n, 4);
        n += 4;
        continue;
      }
      if (p.isEmpty() || p.length() > 4 || p.indexOf('.') >= 0 || n + 2 > 16) {
        throw new InvalidHostException("not a valid IPv6 address");
      }
      int v = Integer.parseInt(p, 16);
      out[n++] = (byte) (v >> 8);
      out[n++] = (byte) v;
    }
    return n;
  }

  private static String formatV6(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 255) << 8) | (b[2 * i + 1] & 255);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String describe(char c) {
    if (c < 0x20 || c == 0x7f) {
      return String.format("control byte 0x%02x", (int) c);
    }
    return c == ' ' ? "space" : "'" + c + "'";
  }
}

package dev.sbx.secrets.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A secret value, held as UTF-8 bytes so it can be wiped. {@link #toString()} never shows it; the
 * only ways out are the explicit {@link #utf8()}, {@link #chars()} and {@link #reveal()}.
 *
 * <p>Values are checked on creation: empty values and control characters (CR, LF, NUL, …) are
 * refused, because an injected header value must never be able to split a request. The error
 * never contains the value.
 */
public final class SecretValue implements AutoCloseable {

  private final byte[] utf8;

  private SecretValue(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** Copies {@code bytes}; the caller may wipe its array afterwards. */
  public static SecretValue ofUtf8(byte[] bytes) {
    byte[] copy = bytes.clone();
    check(copy);
    return new SecretValue(copy);
  }

  /** Encodes {@code chars} without an intermediate String; the caller may wipe its array afterwards. */
  public static SecretValue ofChars(char[] chars) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    check(bytes);
    return new SecretValue(bytes);
  }

  private static void check(byte[] bytes) {
    if (bytes.length == 0) {
      throw new SecretsException(SecretsException.Problem.BAD_INPUT, null,
          "the secret value is empty", "pass the value on stdin, e.g. `printf %s \"$TOKEN\" | sbx secret set -g SERVICE`");
    }
    for (byte b : bytes) {
      if ((b >= 0 && b < 0x20) || b == 0x7f) {
        Arrays.fill(bytes, (byte) 0);
        throw new SecretsException(SecretsException.Problem.BAD_INPUT, null,
            "the secret value contains a control character (newline, tab or NUL)",
            "strip it: a header value cannot carry control characters");
      }
    }
  }

  /** A copy of the UTF-8 bytes. */
  public byte[] utf8() {
    return utf8.clone();
  }

  /** A copy as chars. */
  public char[] chars() {
    CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(utf8));
    char[] out = new char[decoded.remaining()];
    decoded.get(out);
    if (decoded.hasArray()) {
      Arrays.fill(decoded.array(), '\0');
    }
    return out;
  }

  /**
   * The value as a String, for APIs that take nothing else (a Netty header value). The String
   * cannot be wiped; call this only at the last moment and never log the result.
   */
  public String reveal() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** Number of UTF-8 bytes. */
  public int length() {
    return utf8.length;
  }

  /**
   * A display form that never shows the whole value: values of 20 bytes or more show their first
   * and last 4 characters around {@code ****...****} (as Docker's {@code sbx secret ls} does);
   * shorter values show only {@code ********}, since 8 visible characters would be too much of them.
   */
  public String masked() {
    if (utf8.length < 20 || !isAscii()) {
      return "********";
    }
    String head = new String(utf8, 0, 4, StandardCharsets.US_ASCII);
    String tail = new String(utf8, utf8.length - 4, 4, StandardCharsets.US_ASCII);
    return head + "****...****" + tail;
  }

  private boolean isAscii() {
    for (byte b : utf8) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** Overwrites the held bytes with zeros; the value is unusable afterwards. */
  @Override
  public void close() {
    Arrays.fill(utf8, (byte) 0);
  }

  @Override
  public String toString() {
    return "SecretValue[redacted]";
  }
}

package dev.sbx.egress.tls;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A credential value on its way into a request. Held as bytes; {@link #toString()} is redacted so
 * a logged record or exception never shows it. The proxy module does not depend on the secret
 * store: the reconciler converts the store's values into these.
 */
public final class InjectedSecret {

  private final byte[] utf8;

  private InjectedSecret(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** Copies the bytes; refuses control characters, which could split a header. */
  public static InjectedSecret ofUtf8(byte[] bytes) {
    for (byte b : bytes) {
      if ((b >= 0 && b < 0x20) || b == 0x7f) {
        throw new IllegalArgumentException("credential value contains a control character");
      }
    }
    return new InjectedSecret(bytes.clone());
  }

  /** The value as a String for a header; never log the result. */
  String reveal() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** Overwrites the held bytes. */
  public void wipe() {
    Arrays.fill(utf8, (byte) 0);
  }

  @Override
  public String toString() {
    return "InjectedSecret[redacted]";
  }
}

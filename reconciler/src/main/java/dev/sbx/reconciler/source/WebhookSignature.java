package dev.sbx.reconciler.source;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub's {@code X-Hub-Signature-256}: {@code sha256=} and the hex HMAC-SHA256 of the raw body
 * under the shared secret. Compared in constant time ({@link MessageDigest#isEqual}) so the time
 * taken tells an attacker nothing about how much of a guess was right.
 */
public final class WebhookSignature {
  private static final String PREFIX = "sha256=";
  private final byte[] secret;

  public WebhookSignature(byte[] secret) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("a webhook secret must not be empty");
    }
    this.secret = secret.clone();
  }

  /** The header value for {@code body} (what a sender puts in {@code X-Hub-Signature-256}). */
  public String sign(byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac(body));
  }

  /** True when {@code header} is a valid signature of {@code body}; false for a missing or malformed one. */
  public boolean verify(byte[] body, String header) {
    if (header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring(PREFIX.length()).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(mac(body), given);
  }

  private byte[] mac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSignature[secret=***]";
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

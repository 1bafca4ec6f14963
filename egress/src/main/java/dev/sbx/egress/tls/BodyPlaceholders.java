package dev.sbx.egress.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Replaces custom-secret placeholders in a buffered request body. Only the placeholders of the
 * credentials bound to the request's host are given, so another credential's placeholder passes
 * unchanged.
 */
final class BodyPlaceholders {

  /** Bodies of requests to hosts with placeholder credentials are buffered up to this size; larger ones get 413. */
  static final int MAX_BODY = 8 << 20;

  private BodyPlaceholders() {}

  /** The body with every occurrence replaced, or null when none occurs. */
  static byte[] replace(byte[] body, List<Injection.ReplacePlaceholder> placeholders, List<String> applied) {
    byte[] current = body;
    boolean changed = false;
    for (Injection.ReplacePlaceholder p : placeholders) {
      byte[] needle = p.placeholder().getBytes(StandardCharsets.UTF_8);
      byte[] replaced = replaceAll(current, needle, p.value().reveal().getBytes(StandardCharsets.UTF_8));
      if (replaced != null) {
        current = replaced;
        changed = true;
        if (!applied.contains(p.credentialName())) {
          applied.add(p.credentialName());
        }
      }
    }
    return changed ? current : null;
  }

  private static byte[] replaceAll(byte[] hay, byte[] needle, byte[] value) {
    ByteArrayOutputStream out = null;
    int copied = 0;
    for (int i = 0; i + needle.length <= hay.length; ) {
      if (matchesAt(hay, needle, i)) {
        if (out == null) {
          out = new ByteArrayOutputStream(hay.length + value.length);
        }
        out.write(hay, copied, i - copied);
        out.write(value, 0, value.length);
        i += needle.length;
        copied = i;
      } else {
        i++;
      }
    }
    if (out == null) {
      return null;
    }
    out.write(hay, copied, hay.length - copied);
    return out.toByteArray();
  }

  private static boolean matchesAt(byte[] hay, byte[] needle, int at) {
    for (int j = 0; j < needle.length; j++) {
      if (hay[at + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }
}

package dev.sbx.vm.image.store;

import java.util.regex.Pattern;

/** {@code sha256:} + 64 lowercase hex digits, the one digest form the store uses. */
public final class ImageDigest {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private ImageDigest() {}

  public static boolean isValid(String digest) {
    return digest != null && DIGEST.matcher(digest).matches();
  }

  public static String hex(String digest) {
    return digest.substring("sha256:".length());
  }
}

package dev.sbx.vm.image.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 digests in the {@code sha256:<hex>} form registries use. */
public final class Digests {
  private Digests() {}

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  public static String of(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
  }

  public static String of(MessageDigest finished) {
    return "sha256:" + HexFormat.of().formatHex(finished.digest());
  }

  /** True for {@code sha256:} and 64 lowercase hex digits, the only digests sbx accepts. */
  public static boolean isValid(String digest) {
    return digest != null && ImageReference.DIGEST.matcher(digest).matches();
  }

  /** The hex part; refuses anything but a well-formed sha256 digest (it becomes a file name). */
  public static String hex(String digest) {
    if (!isValid(digest)) {
      throw new OciException(OciException.Kind.UNSUPPORTED,
          "unsupported digest '" + digest + "': sbx accepts sha256:<64 lowercase hex digits> only");
    }
    return digest.substring("sha256:".length());
  }
}

package dev.sbx.vm.image.store;

import java.util.regex.Pattern;

/**
 * The local spelling of an image reference: {@code [HOST[:PORT]/]PATH[:TAG]} or
 * {@code ...@sha256:HEX}, lowercase path components as in OCI, {@code :latest} added when
 * neither tag nor digest is given, so {@code debian} and {@code debian:latest} name the same.
 */
public final class ImageName {
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9.-]+(?::[0-9]+)?");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  private ImageName() {}

  /** Whether {@code text} is a reference (and not, say, a digest or an id prefix). */
  public static boolean isValid(String text) {
    try {
      normalize(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The canonical form; throws IllegalArgumentException with what is wrong. */
  public static String normalize(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an image reference must not be empty");
    }
    String rest = text;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!ImageDigest.isValid(digest)) {
        throw new IllegalArgumentException("'" + text + "': the part after @ must be sha256: and 64 hex digits");
      }
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException("'" + text + "': tag '" + tag + "' may use letters, digits, '_', '.', '-'");
      }
    }
    String[] parts = rest.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      boolean host = i == 0 && parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":")
          || parts[0].equals("localhost"));
      if (host ? !HOST.matcher(parts[i]).matches() : !COMPONENT.matcher(parts[i]).matches()) {
        throw new IllegalArgumentException("'" + text + "': '" + parts[i]
            + "' is not a valid name component (lowercase letters, digits, separators '.', '_', '-')");
      }
    }
    if (digest != null) {
      return rest + (tag != null ? ":" + tag : "") + "@" + digest;
    }
    return rest + ":" + (tag != null ? tag : "latest");
  }
}

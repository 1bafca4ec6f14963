package dev.sbx.vm.image.oci;

import java.util.Locale;
import java.util.Objects;

/**
 * An image platform as image indexes describe it: {@code linux/amd64}, {@code linux/arm64/v8}.
 * Matching follows containerd's rules where it matters here: {@code arm64} without a variant is
 * {@code v8}, and a wanted platform without a variant accepts any variant.
 *
 * @param variant {@code null} when none is given
 */
public record Platform(String os, String architecture, String variant) {
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);
  public static final Platform LINUX_ARM64 = new Platform("linux", "arm64", null);

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    if (variant != null && variant.isEmpty()) {
      variant = null;
    }
  }

  /**
   * Parses {@code os/arch[/variant]}.
   *
   * @throws OciException of kind {@code INVALID_REFERENCE} when the text is not of that form
   */
  public static Platform parse(String text) {
    String[] parts = text.toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
        || (parts.length == 3 && parts[2].isEmpty())) {
      throw new OciException(OciException.Kind.INVALID_REFERENCE,
          "invalid platform '" + text + "': expected os/arch[/variant], for example linux/amd64 or linux/arm64/v8");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** True when an image for {@code candidate} runs where this platform is wanted. */
  public boolean accepts(Platform candidate) {
    if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
      return false;
    }
    return variant == null || variant.equals(normalVariant(candidate));
  }

  private static String normalVariant(Platform p) {
    if (p.variant == null && p.architecture.equals("arm64")) {
      return "v8";
    }
    return p.variant;
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}

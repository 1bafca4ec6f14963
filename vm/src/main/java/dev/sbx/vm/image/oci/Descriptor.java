package dev.sbx.vm.image.oci;

import java.util.Objects;

/**
 * A content descriptor from a manifest or index: what a blob is, its digest and size.
 *
 * @param platform only set on the entries of an image index
 */
public record Descriptor(String mediaType, String digest, long size, Platform platform) {
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size");
    }
  }

  public Descriptor(String mediaType, String digest, long size) {
    this(mediaType, digest, size, null);
  }

  /** The hex part of a {@code sha256:} digest. */
  public String hex() {
    return Digests.hex(digest);
  }
}

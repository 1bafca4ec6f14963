package dev.sbx.vm.image.oci;

import java.util.List;
import java.util.Objects;

/**
 * An image whose manifest was resolved and whose blobs are in the blob cache.
 *
 * @param reference the reference as asked (with its tag), not rewritten to the digest
 * @param manifestDigest the digest of the platform's image manifest (not of the index); pulling
 *     {@code reference.withDigest(manifestDigest)} gives the same image again
 * @param configDigest the digest of the image config blob, the image's identity (Docker's image id)
 * @param config the runtime settings from the image config
 * @param layers the layer descriptors in application order (first = bottom)
 * @param platform the platform of the image, from its config
 */
public record PulledImage(ImageReference reference, String manifestDigest, String configDigest, ImageConfig config,
    List<Descriptor> layers, Platform platform) {
  public PulledImage {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(configDigest, "configDigest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    Objects.requireNonNull(platform, "platform");
  }

  /** Sum of the compressed layer sizes. */
  public long compressedSize() {
    return layers.stream().mapToLong(Descriptor::size).sum();
  }
}

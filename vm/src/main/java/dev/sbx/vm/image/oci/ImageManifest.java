package dev.sbx.vm.image.oci;

import java.util.List;
import java.util.Objects;

/**
 * One platform's image manifest (OCI or Docker schema 2), resolved through an index when the tag
 * names one.
 *
 * @param digest the sha256 of the manifest bytes as served
 * @param raw the manifest bytes (what {@code digest} is the digest of)
 */
public record ImageManifest(String mediaType, String digest, Descriptor config, List<Descriptor> layers, byte[] raw) {
  public ImageManifest {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    raw = raw.clone();
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }
}

package dev.sbx.vm.image.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One stored base image: its content digest ({@code sha256:HEX}), the references (tags) that
 * name it, its config, the user its entrypoint runs as (resolved against the image's own
 * {@code /etc/passwd} at import), sizes and times, where it came from, and the blobs (OCI
 * layers) it was made from, which prune keeps.
 *
 * @param contentBytes bytes of file content in the rootfs
 * @param diskBytes virtual size of the ext4 disk (content plus headroom; sparse on the host)
 */
public record ImageRecord(String digest, List<String> references, ImageConfig config, int uid, int gid,
    long contentBytes, long diskBytes, Instant created, Instant lastUsed, String source, List<String> blobs) {

  public ImageRecord {
    Objects.requireNonNull(digest, "digest");
    references = List.copyOf(references);
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(lastUsed, "lastUsed");
    source = Objects.requireNonNullElse(source, "");
    blobs = List.copyOf(blobs);
    if (!ImageDigest.isValid(digest)) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
  }

  /** The first 12 hex digits, as {@code docker images} shows them. */
  public String shortId() {
    return ImageDigest.hex(digest).substring(0, 12);
  }

  ImageRecord withReferences(List<String> refs) {
    return new ImageRecord(digest, refs, config, uid, gid, contentBytes, diskBytes, created, lastUsed, source, blobs);
  }

  ImageRecord withLastUsed(Instant when) {
    return new ImageRecord(digest, references, config, uid, gid, contentBytes, diskBytes, created, when, source, blobs);
  }
}

package dev.sbx.vm.image.oci;

/**
 * Progress of blob downloads, called from download threads (implementations must be thread-safe).
 * For each blob: a first call with {@code done} 0 (or the resumed offset), calls as bytes arrive
 * (at most about every 256 KiB), and a last call with {@code done == total} once the blob is
 * verified and in the cache. A blob already cached gets that last call only.
 */
@FunctionalInterface
public interface PullProgress {

  /**
   * @param digest the blob's digest
   * @param done bytes received so far, including bytes of a resumed partial download
   * @param total the blob's size from its descriptor
   */
  void update(String digest, long done, long total);

  static PullProgress none() {
    return (digest, done, total) -> {};
  }
}

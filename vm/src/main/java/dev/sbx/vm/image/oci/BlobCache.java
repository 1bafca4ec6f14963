package dev.sbx.vm.image.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A content-addressed blob store: {@code ROOT/blobs/sha256/<hex>}, the layout of an OCI image
 * layout's {@code blobs/} directory. A blob appears under its name only after its digest was
 * verified (downloads go to {@code ROOT/blobs/sha256/.partial/<hex>} and are moved atomically), so
 * every file under its final name holds exactly the bytes its name promises. Safe to share
 * between threads and processes.
 */
public final class BlobCache {
  private final Path root;
  private final Path dir;
  private final Path partialDir;

  public BlobCache(Path root) {
    this.root = root.toAbsolutePath();
    this.dir = this.root.resolve("blobs").resolve("sha256");
    this.partialDir = dir.resolve(".partial");
  }

  public Path root() {
    return root;
  }

  /** Where the blob with this digest is (or would be). */
  public Path path(String digest) {
    return dir.resolve(Digests.hex(digest));
  }

  public boolean contains(String digest) {
    return Files.isRegularFile(path(digest));
  }

  /** The verified bytes of a cached blob. */
  public byte[] read(String digest) {
    try {
      return Files.readAllBytes(path(digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stores small content (a manifest, a config) after checking it against its digest. */
  public Path put(String digest, byte[] bytes) {
    String actual = Digests.of(bytes);
    if (!actual.equals(digest)) {
      throw new OciException(OciException.Kind.DIGEST_MISMATCH,
          "content for " + digest + " has digest " + actual + "; refused");
    }
    try {
      Path partial = partialPath(digest + "-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
      Files.write(partial, bytes);
      return commit(partial, digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every digest in the cache (for garbage collection by the image store). */
  public List<String> digests() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<String> out = new ArrayList<>();
      s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> Digests.isValid("sha256:" + n)).sorted().forEach(n -> out.add("sha256:" + n));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a blob; missing is fine. */
  public void remove(String digest) {
    try {
      Files.deleteIfExists(path(digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The partial download file of a blob, its directory created. */
  Path partialPath(String digest) throws IOException {
    Files.createDirectories(partialDir);
    String name = digest.startsWith("sha256:") ? digest.substring(7) : digest;
    return partialDir.resolve(name);
  }

  /** The lock file that serialises downloads of one blob across processes. */
  FileChannel lock(String digest) throws IOException {
    Files.createDirectories(partialDir);
    FileChannel ch = FileChannel.open(partialDir.resolve(Digests.hex(digest) + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      ch.lock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return ch;
  }

  void removeLockFile(String digest) throws IOException {
    Files.deleteIfExists(partialDir.resolve(Digests.hex(digest) + ".lock"));
  }

  /** Syncs a verified file and moves it to its final name in one step. */
  Path commit(Path verified, String digest) throws IOException {
    try (FileChannel ch = FileChannel.open(verified, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Path target = path(digest);
    Files.createDirectories(dir);
    try {
      Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IllegalStateException("the partial directory is on another file system than " + dir, e);
    }
    return target;
  }
}

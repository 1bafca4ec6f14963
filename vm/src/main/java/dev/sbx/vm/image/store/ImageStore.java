package dev.sbx.vm.image.store;

import dev.sbx.vm.host.HostCommand;
import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.image.Files2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The content-addressed image store: each base image once, as a read-only ext4 file keyed by its
 * digest, with {@code image.json} (references, config, sizes, times); each sandbox that uses an
 * image holds a reference through its copy-on-write overlay (a qcow2 file whose backing file is
 * the base), so removing an image in use is refused and prune keeps it.
 *
 * <pre>
 * ROOT/HEX/disk.ext4       the base disk, mode 0444, never written after import
 * ROOT/HEX/image.json      {@link ImageRecord}
 * ROOT/HEX/users/KEY.json  one per overlay: {"sandbox": NAME, "overlay": PATH}; live while PATH exists
 * ROOT/blobs/sha256/HEX    downloaded layers (OCI pulls); prune drops those no image lists
 * ROOT/tmp/                builds in progress (same filesystem, so the final move is a rename)
 * </pre>
 *
 * Mutations hold a host-wide lock ({@code ROOT/.lock}) so a CLI and a daemon can share a store.
 */
public final class ImageStore {
  /** Free space in a base disk for what sandboxes write to their root (sparse: free on the host). */
  public static final long DEFAULT_HEADROOM_MIB = 2048;
  private static final Duration STALE_TMP = Duration.ofHours(1);
  private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Path root;
  private final long headroomMib;

  public ImageStore(Path root, long headroomMib) {
    this.root = root.toAbsolutePath().normalize();
    this.headroomMib = headroomMib;
  }

  public ImageStore(Path root) {
    this(root, DEFAULT_HEADROOM_MIB);
  }

  /** The store of this host: {@code DATA/images} ({@link SbxDirs#data()}). */
  public static ImageStore open(SbxDirs dirs) {
    return new ImageStore(dirs.data().resolve("images"));
  }

  public Path root() {
    return root;
  }

  /**
   * Downloaded blobs live in {@code blobs/sha256/HEX} (partial downloads under
   * {@code blobs/sha256/.partial/}); prune removes those no image lists. An OCI blob cache
   * rooted at {@link #root()} uses exactly this layout.
   */
  public Path blobsDir() {
    return root.resolve("blobs");
  }

  /** A fresh scratch directory on the store's filesystem (for unpacking); the caller deletes it. */
  public Path newWorkDir(String prefix) {
    try {
      Files.createDirectories(root.resolve("tmp"));
      return Files.createTempDirectory(root.resolve("tmp"), prefix + "-");
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.IO, "cannot create a work directory in " + root + ": "
          + e.getMessage(), e);
    }
  }

  /** Every stored image, newest first. */
  public List<ImageRecord> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> d.getFileName().toString().matches("[0-9a-f]{64}"))
          .filter(d -> Files.isRegularFile(d.resolve("image.json")))
          .map(d -> ImageJson.read(d.resolve("image.json")))
          .sorted(Comparator.comparing(ImageRecord::created).reversed().thenComparing(ImageRecord::digest))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Finds an image by reference ({@code debian:bookworm}; {@code :latest} implied), digest
   * ({@code sha256:HEX}) or an unambiguous id prefix of at least 4 hex digits.
   */
  public Optional<ImageRecord> find(String text) {
    List<ImageRecord> all = list();
    if (ImageName.isValid(text)) {
      String ref = ImageName.normalize(text);
      for (ImageRecord r : all) {
        if (r.references().contains(ref)) {
          return Optional.of(r);
        }
      }
    }
    String hex = text.startsWith("sha256:") ? text.substring(7) : text;
    if (hex.matches("[0-9a-f]{4,64}")) {
      List<ImageRecord> matches = all.stream().filter(r -> ImageDigest.hex(r.digest()).startsWith(hex)).toList();
      if (matches.size() > 1) {
        throw new ImageException(ImageException.Kind.INVALID, "'" + text + "' matches " + matches.size()
            + " images; give more digits of the id");
      }
      return matches.stream().findFirst();
    }
    return Optional.empty();
  }

  public ImageRecord get(String text) {
    return find(text).orElseThrow(() -> new ImageException(ImageException.Kind.NOT_FOUND,
        "no image '" + text + "' in the store; see `sbx image ls`, or build/pull it first"));
  }

  /** The read-only base disk of an image. */
  public Path disk(ImageRecord image) {
    return imageDir(image.digest()).resolve("disk.ext4");
  }

  /**
   * An unpacked root filesystem to store, with its config and content digest. {@code references}
   * are tagged onto the image (moved from any image they named before). {@code debugfsScript}
   * ({@code null} = none) is applied to the new disk with {@code debugfs -w}: owners, modes and
   * device nodes an unprivileged unpack could not set on the tree (the OCI unpacker's ownership
   * manifest writes it).
   */
  public record ImportRequest(Path rootfs, ImageConfig config, String digest, List<String> references,
      String source, List<String> blobs, String debugfsScript) {
    public ImportRequest {
      if (!ImageDigest.isValid(digest)) {
        throw new IllegalArgumentException("not a sha256 digest: " + digest);
      }
      references = references.stream().map(ImageName::normalize).distinct().toList();
      blobs = List.copyOf(blobs);
    }

    public ImportRequest(Path rootfs, ImageConfig config, String digest, List<String> references, String source,
        List<String> blobs) {
      this(rootfs, config, digest, references, source, blobs, null);
    }
  }

  /**
   * Stores a rootfs as a base disk, unless an image with that digest is already stored (then only
   * the references are added). The disk is built outside the lock and moved in by rename.
   */
  public ImageRecord importRootfs(ImportRequest request, ProgressListener progress) {
    Optional<ImageRecord> existing = byDigest(request.digest());
    if (existing.isPresent()) {
      progress.step("image " + existing.get().shortId() + " already stored; tagging");
      return locked(() -> tagLocked(byDigest(request.digest()).orElseThrow(), request.references()));
    }
    int[] user = ImageUser.resolve(request.rootfs(), request.config().user());
    progress.step("measuring " + request.rootfs());
    Ext4Image.Measure measure = Ext4Image.measure(request.rootfs());
    Path work = newWorkDir("import");
    try {
      Path disk = work.resolve("disk.ext4");
      long size = Ext4Image.sizeBytes(measure, headroomMib);
      progress.step(String.format("writing the base disk: %d MiB of content, %d entries, %d MiB ext4 (sparse)",
          measure.contentBytes() / Ext4Image.MIB, measure.entries(), size / Ext4Image.MIB));
      Ext4Image.create(request.rootfs(), disk, measure, headroomMib);
      if (request.debugfsScript() != null && !request.debugfsScript().isBlank()) {
        progress.step("applying owners and modes to the base disk (debugfs)");
        Ext4Image.applyDebugfs(disk, request.debugfsScript(), work.resolve("fixups.debugfs"));
      }
      Files.setPosixFilePermissions(disk, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
      Instant now = Instant.now();
      var record = new ImageRecord(request.digest(), List.of(), request.config(), user[0], user[1],
          measure.contentBytes(), Files.size(disk), now, now, request.source(), request.blobs());
      ImageJson.write(work.resolve("image.json"), record);
      return locked(() -> {
        Path target = imageDir(request.digest());
        if (!Files.exists(target)) {
          Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        }
        ImageRecord stored = ImageJson.read(target.resolve("image.json"));
        progress.step("stored " + stored.digest());
        return tagLocked(stored, request.references());
      });
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.IO, "cannot store the image: " + e.getMessage(), e);
    } finally {
      deleteQuietly(work);
    }
  }

  /** Adds a reference to an image (moving it from the image it named before). */
  public ImageRecord tag(String image, String reference) {
    return locked(() -> tagLocked(get(image), List.of(ImageName.normalize(reference))));
  }

  private ImageRecord tagLocked(ImageRecord image, List<String> references) {
    for (ImageRecord other : list()) {
      if (!other.digest().equals(image.digest()) && other.references().stream().anyMatch(references::contains)) {
        var kept = other.references().stream().filter(r -> !references.contains(r)).toList();
        ImageJson.write(imageDir(other.digest()).resolve("image.json"), other.withReferences(kept));
      }
    }
    var refs = new ArrayList<>(image.references());
    references.stream().filter(r -> !refs.contains(r)).forEach(refs::add);
    ImageRecord updated = image.withReferences(refs);
    ImageJson.write(imageDir(image.digest()).resolve("image.json"), updated);
    return updated;
  }

  /** A sandbox's use of an image: its overlay, which holds the reference while it exists. */
  public record ImageUse(String sandbox, Path overlay) {}

  /**
   * Creates {@code overlay} as a qcow2 copy-on-write layer over the image's base disk and records
   * the sandbox as a user. No image data is copied: the overlay starts at a few hundred KiB.
   */
  public ImageRecord attach(String image, Path overlay, String sandbox) {
    return locked(() -> {
      ImageRecord record = get(image);
      Path base = disk(record);
      List<String> argv = List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base.toString(),
          overlay.toAbsolutePath().toString());
      var result = HostCommand.run(argv, null, Duration.ofSeconds(60));
      if (result.exitCode() != 0) {
        throw new ImageException(ImageException.Kind.ENVIRONMENT, "qemu-img create failed (exit "
            + result.exitCode() + "): " + result.stderr().strip() + " (install qemu-utils)");
      }
      Path users = imageDir(record.digest()).resolve("users");
      Files.createDirectories(users);
      var use = ImageJson.JSON.createObjectNode().put("sandbox", sandbox)
          .put("overlay", overlay.toAbsolutePath().normalize().toString());
      ImageJson.writeAtomically(users.resolve(useKey(overlay) + ".json"), use.toPrettyString() + "\n");
      ImageRecord used = record.withLastUsed(Instant.now());
      ImageJson.write(imageDir(record.digest()).resolve("image.json"), used);
      return used;
    });
  }

  /** Drops the reference an overlay held (the caller deletes the overlay). Unknown overlays are fine. */
  public void detach(Path overlay) {
    locked(() -> {
      String key = useKey(overlay) + ".json";
      for (ImageRecord r : list()) {
        Files.deleteIfExists(imageDir(r.digest()).resolve("users").resolve(key));
      }
      return null;
    });
  }

  /** The sandboxes whose overlays over this image exist, by name. */
  public List<ImageUse> users(String digest) {
    Path users = imageDir(digest).resolve("users");
    if (!Files.isDirectory(users)) {
      return List.of();
    }
    var result = new ArrayList<ImageUse>();
    try (Stream<Path> files = Files.list(users)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        try {
          var n = ImageJson.JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
          Path overlay = Path.of(n.path("overlay").asString());
          if (Files.exists(overlay)) {
            result.add(new ImageUse(n.path("sandbox").asString(), overlay));
          }
        } catch (IOException | RuntimeException e) {
          // a torn or unreadable use file holds nothing; prune removes it
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    result.sort(Comparator.comparing(ImageUse::sandbox).thenComparing(u -> u.overlay().toString()));
    return result;
  }

  /**
   * What {@code rm} did: the reference it untagged, or the image it deleted; {@code broken} lists
   * the sandboxes left without their base when {@code force} removed an image in use.
   */
  public record Removal(String untagged, ImageRecord deleted, List<ImageUse> broken) {}

  /**
   * Removes a reference; when it was the image's last one (or the image was named by id), the
   * image itself. An image in use by a sandbox is refused unless {@code force}.
   */
  public Removal remove(String text, boolean force) {
    return locked(() -> {
      ImageRecord image = get(text);
      String ref = ImageName.isValid(text) ? ImageName.normalize(text) : null;
      if (ref != null && image.references().contains(ref) && image.references().size() > 1) {
        tagLocked(image.withReferences(image.references().stream().filter(r -> !r.equals(ref)).toList()), List.of());
        return new Removal(ref, null, List.of());
      }
      List<ImageUse> users = users(image.digest());
      if (!users.isEmpty() && !force) {
        throw new ImageException(ImageException.Kind.IN_USE, "image " + describe(image) + " is used by "
            + users.size() + " sandbox(es): " + String.join(", ", users.stream().map(ImageUse::sandbox).toList())
            + "; remove them first (`sbx rm NAME`) or pass --force");
      }
      Files2.deleteTree(imageDir(image.digest()));
      return new Removal(null, image, users);
    });
  }

  /** What prune removed. */
  public record Pruned(List<ImageRecord> images, int blobs, long bytes) {}

  /**
   * Removes every image no sandbox uses, blobs no image lists, use records whose overlay is gone,
   * and builds abandoned more than an hour ago.
   */
  public Pruned prune() {
    return locked(() -> {
      var removed = new ArrayList<ImageRecord>();
      long bytes = 0;
      Set<String> keptBlobs = new HashSet<>();
      for (ImageRecord image : list()) {
        if (users(image.digest()).isEmpty()) {
          bytes += allocated(imageDir(image.digest()));
          Files2.deleteTree(imageDir(image.digest()));
          removed.add(image);
        } else {
          keptBlobs.addAll(image.blobs().stream().map(ImageDigest::hex).toList());
          removeStaleUses(image.digest());
        }
      }
      int blobs = 0;
      Path blobDir = blobsDir();
      if (Files.isDirectory(blobDir)) {
        try (Stream<Path> walk = Files.walk(blobDir)) {
          Instant cutoff = Instant.now().minus(STALE_TMP);
          for (Path blob : walk.filter(Files::isRegularFile).toList()) {
            String name = blob.getFileName().toString();
            // a partial download (under .partial/) may belong to a pull running right now
            boolean partial = blob.getParent().getFileName().toString().startsWith(".");
            if (partial && !Files.getLastModifiedTime(blob).toInstant().isBefore(cutoff)) {
              continue;
            }
            if (partial || !keptBlobs.contains(name)) {
              bytes += allocated(blob);
              Files.delete(blob);
              blobs++;
            }
          }
        }
      }
      Path tmp = root.resolve("tmp");
      if (Files.isDirectory(tmp)) {
        try (Stream<Path> entries = Files.list(tmp)) {
          Instant cutoff = Instant.now().minus(STALE_TMP);
          for (Path p : entries.toList()) {
            if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
              bytes += allocated(p);
              Files2.deleteTree(p);
            }
          }
        }
      }
      return new Pruned(removed, blobs, bytes);
    });
  }

  private void removeStaleUses(String digest) throws IOException {
    Path users = imageDir(digest).resolve("users");
    Set<String> live = new HashSet<>();
    users(digest).forEach(u -> live.add(useKey(u.overlay()) + ".json"));
    try (Stream<Path> files = Files.list(users)) {
      for (Path f : files.toList()) {
        if (!live.contains(f.getFileName().toString())) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /**
   * Bytes a file or tree really occupies on the host (allocated blocks, so a sparse disk counts
   * what it holds), as {@code du} reports it; the JDK has no portable view of st_blocks. 0 when
   * the path is missing.
   */
  public static long allocated(Path path) {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    var result = HostCommand.run(List.of("du", "-s", "-B1", "--", path.toString()), null, Duration.ofMinutes(2));
    if (result.exitCode() != 0) {
      throw new ImageException(ImageException.Kind.IO, "du " + path + ": " + result.stderr().strip());
    }
    return Long.parseLong(result.stdout().strip().split("\\s+")[0]);
  }

  static String describe(ImageRecord image) {
    return image.references().isEmpty() ? image.shortId() : image.references().get(0);
  }

  private Optional<ImageRecord> byDigest(String digest) {
    Path file = imageDir(digest).resolve("image.json");
    return Files.isRegularFile(file) ? Optional.of(ImageJson.read(file)) : Optional.empty();
  }

  private Path imageDir(String digest) {
    return root.resolve(ImageDigest.hex(digest));
  }

  private static String useKey(Path overlay) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(
          overlay.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Locked<T> {
    T run() throws IOException;
  }

  private <T> T locked(Locked<T> body) {
    ReentrantLock local = LOCKS.computeIfAbsent(root, r -> new ReentrantLock());
    local.lock();
    try {
      if (local.getHoldCount() > 1) {
        return body.run();
      }
      Files.createDirectories(root);
      try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return body.run();
      }
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.IO, "image store " + root + ": " + e.getMessage(), e);
    } finally {
      local.unlock();
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      Files2.deleteTree(dir);
    } catch (IOException ignored) {
      // a leftover work directory; prune removes it later
    }
  }
}

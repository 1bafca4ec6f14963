package dev.sbx.vm.image.oci;

import dev.sbx.vm.image.Files2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Pulls an image into a blob cache and unpacks it into a root file system directory: resolve the
 * manifest for the platform, fetch the config and layers (in parallel, verified, resumable;
 * blobs already cached are not downloaded again), apply the layers in order.
 *
 * <pre>{@code
 * try (ImagePuller puller = new ImagePuller(OciRegistryClient.Options.defaults(), Platform.LINUX_AMD64)) {
 *   PulledImage img = puller.pull(ImageReference.parse("docker/sandbox-templates:claude-code-docker"),
 *       cacheDir, rootfsDir, (digest, done, total) -> { });
 * }
 * }</pre>
 */
public final class ImagePuller implements AutoCloseable {
  private final OciRegistryClient client;
  private final Platform platform;
  private final LayerUnpacker.Options unpackOptions;

  public ImagePuller(OciRegistryClient.Options options, Platform platform) {
    this(new OciRegistryClient(options), platform, LayerUnpacker.Options.forCurrentUser());
  }

  public ImagePuller(OciRegistryClient client, Platform platform, LayerUnpacker.Options unpackOptions) {
    this.client = Objects.requireNonNull(client, "client");
    this.platform = Objects.requireNonNull(platform, "platform");
    this.unpackOptions = Objects.requireNonNull(unpackOptions, "unpackOptions");
  }

  /** The result of {@link #pull}: the image and the ownership manifest of its root file system. */
  public record Unpacked(PulledImage image, OwnershipManifest ownership, List<LayerUnpacker.Stats> layers) {}

  /**
   * Fetches the image's blobs into {@code blobCacheDir} ({@code blobs/sha256/<hex>}) and unpacks
   * the layers into {@code rootfsDir}, which must be missing or empty. On failure the partly
   * written {@code rootfsDir} is removed; verified blobs stay cached for the next try.
   */
  public PulledImage pull(ImageReference ref, Path blobCacheDir, Path rootfsDir, PullProgress progress) {
    return pullAndUnpack(ref, blobCacheDir, rootfsDir, progress).image();
  }

  /** {@link #pull}, also returning the ownership manifest and per-layer statistics. */
  public Unpacked pullAndUnpack(ImageReference ref, Path blobCacheDir, Path rootfsDir, PullProgress progress) {
    BlobCache cache = new BlobCache(blobCacheDir);
    PulledImage image = fetch(ref, cache, progress);
    return unpack(image, cache, rootfsDir);
  }

  /**
   * Resolves the manifest and brings config and layers into the cache, without unpacking. A
   * reference pinned by digest whose manifest is cached needs no network at all.
   */
  public PulledImage fetch(ImageReference ref, BlobCache cache, PullProgress progress) {
    ImageManifest manifest = cachedManifest(ref, cache);
    if (manifest == null) {
      manifest = client.manifest(ref, platform);
      cache.put(manifest.digest(), manifest.raw());
    }
    Descriptor configDescriptor = manifest.config();
    byte[] config;
    if (cache.contains(configDescriptor.digest())) {
      config = cache.read(configDescriptor.digest());
    } else {
      config = client.blobBytes(ref, configDescriptor);
      cache.put(configDescriptor.digest(), config);
    }
    Platform actual = ImageConfig.platformOf(config);
    client.fetchBlobs(ref, manifest.layers(), cache, progress);
    return new PulledImage(ref, manifest.digest(), configDescriptor.digest(), ImageConfig.parse(config),
        manifest.layers(), actual);
  }

  private static ImageManifest cachedManifest(ImageReference ref, BlobCache cache) {
    if (ref.digest() == null || !cache.contains(ref.digest())) {
      return null;
    }
    byte[] raw = cache.read(ref.digest());
    String mediaType = ManifestParser.mediaType(raw, null);
    if (!MediaTypes.MANIFESTS.contains(mediaType)) {
      return null; // an index: which entry depends on the platform, ask the registry
    }
    return ManifestParser.manifest(mediaType, ref.digest(), raw);
  }

  /** Applies the image's cached layers, in order, to {@code rootfsDir} (missing or empty). */
  public Unpacked unpack(PulledImage image, BlobCache cache, Path rootfsDir) {
    requireEmpty(rootfsDir);
    try {
      LayerUnpacker unpacker = new LayerUnpacker(rootfsDir, unpackOptions);
      List<LayerUnpacker.Stats> stats = image.layers().stream()
          .map(l -> unpacker.apply(cache.path(l.digest()), l.digest()))
          .toList();
      return new Unpacked(image, unpacker.ownership(), stats);
    } catch (RuntimeException e) {
      try {
        Files2.deleteTree(rootfsDir);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void requireEmpty(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      if (s.findAny().isPresent()) {
        throw new IllegalArgumentException("the root file system directory " + dir + " is not empty");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public OciRegistryClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }
}

package dev.sbx.vm.image.store;

import dev.sbx.vm.image.Files2;
import dev.sbx.vm.image.oci.BlobCache;
import dev.sbx.vm.image.oci.Descriptor;
import dev.sbx.vm.image.oci.ImagePuller;
import dev.sbx.vm.image.oci.ImageReference;
import dev.sbx.vm.image.oci.OciException;
import dev.sbx.vm.image.oci.OciRegistryClient;
import dev.sbx.vm.image.oci.Platform;
import dev.sbx.vm.image.oci.PullProgress;
import dev.sbx.vm.image.oci.PulledImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code sbx image pull}: an OCI image from a registry into the store. The blobs go to the
 * store's blob cache ({@link ImageStore#blobsDir()}), the layers are unpacked into a scratch
 * directory on the store's filesystem and imported as a base disk under the image's config digest
 * (its identity, Docker's image id), so pulling the same image by another name or by digest
 * stores nothing twice. The manifest, config and layer digests are recorded as the image's
 * blobs, which prune keeps. An unprivileged unpack's owners and modes are applied to the disk
 * through the unpacker's ownership manifest (debugfs).
 */
public final class RegistryImport {
  private final ImageStore store;
  private final OciRegistryClient.Options options;
  private final Platform platform;

  public RegistryImport(ImageStore store, OciRegistryClient.Options options, Platform platform) {
    this.store = store;
    this.options = options;
    this.platform = platform;
  }

  /** Pulls {@code text} ({@code debian:bookworm}, {@code localhost:5000/team/app@sha256:…}) into the store. */
  public ImageRecord pull(String text, ProgressListener progress) {
    ImageReference ref;
    try {
      ref = ImageReference.parse(text);
    } catch (OciException e) {
      throw failure(e);
    }
    List<String> references = references(text, ref);
    Path work = store.newWorkDir("pull");
    try (var puller = new ImagePuller(new OciRegistryClient(options), platform,
        dev.sbx.vm.image.oci.LayerUnpacker.Options.forCurrentUser())) {
      BlobCache cache = new BlobCache(store.root());
      progress.step("resolving " + ref + " for " + platform);
      PulledImage image = puller.fetch(ref, cache, downloads(progress));
      Optional<ImageRecord> stored = store.find(image.configDigest());
      if (stored.isPresent()) {
        progress.step("image " + stored.get().shortId() + " already stored; tagging");
        ImageRecord tagged = stored.get();
        for (String r : references) {
          tagged = store.tag(image.configDigest(), r);
        }
        return tagged;
      }
      progress.step("unpacking " + image.layers().size() + " layer(s)");
      Path rootfs = work.resolve("rootfs");
      ImagePuller.Unpacked unpacked = puller.unpack(image, cache, rootfs);
      String fixups = isRoot() ? null : unpacked.ownership().debugfsScript();
      var blobs = new ArrayList<String>(List.of(image.manifestDigest(), image.configDigest()));
      image.layers().stream().map(Descriptor::digest).forEach(blobs::add);
      var c = image.config();
      var config = new ImageConfig(c.user(), c.env(), c.entrypoint(), c.cmd(), c.workingDir());
      return store.importRootfs(new ImageStore.ImportRequest(rootfs, config, image.configDigest(), references,
          "pull " + ref.familiar(), blobs, fixups), progress);
    } catch (OciException e) {
      throw failure(e);
    } finally {
      try {
        Files2.deleteTree(work);
      } catch (IOException ignored) {
        // left in the store's tmp; prune removes it
      }
    }
  }

  /** The name as typed (normalised) and Docker's familiar form, so both find the image. */
  static List<String> references(String text, ImageReference ref) {
    Set<String> refs = new java.util.LinkedHashSet<>();
    for (String candidate : List.of(text, ref.familiar())) {
      if (ImageName.isValid(candidate)) {
        refs.add(ImageName.normalize(candidate));
      }
    }
    return List.copyOf(refs);
  }

  /** One line when a blob starts downloading and one when it is verified; not every chunk. */
  static PullProgress downloads(ProgressListener progress) {
    Set<String> started = new HashSet<>();
    return (digest, done, total) -> {
      String id = digest.substring(digest.indexOf(':') + 1, Math.min(digest.length(), digest.indexOf(':') + 13));
      synchronized (started) {
        if (done >= total) {
          progress.step("  " + id + ": " + mib(total) + " verified");
        } else if (started.add(digest)) {
          progress.step("  " + id + ": downloading " + mib(total) + (done > 0 ? " (resuming at " + mib(done) + ")" : ""));
        }
      }
    };
  }

  private static String mib(long bytes) {
    return bytes >= 1024 * 1024 ? String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0)
        : (bytes + 1023) / 1024 + " KiB";
  }

  private static ImageException failure(OciException e) {
    ImageException.Kind kind = switch (e.kind()) {
      case NOT_FOUND -> ImageException.Kind.NOT_FOUND;
      case IO -> ImageException.Kind.IO;
      default -> ImageException.Kind.INVALID;
    };
    return new ImageException(kind, e.getMessage(), e);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}

package dev.sbx.vm.image.debian;

import dev.sbx.vm.host.HostCommand;
import dev.sbx.vm.host.StreamingCommand;
import dev.sbx.vm.image.Files2;
import dev.sbx.vm.image.store.ImageConfig;
import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageJson;
import dev.sbx.vm.image.store.ImageName;
import dev.sbx.vm.image.store.ImageRecord;
import dev.sbx.vm.image.store.ImageStore;
import dev.sbx.vm.image.store.ProgressListener;
import dev.sbx.vm.image.store.RootfsDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a Debian image without any registry: {@code debootstrap --variant=minbase
 * --include=PKGS SUITE ROOTFS MIRROR}, then imports the tree into the {@link ImageStore} under
 * the digest of its content. The mirror defaults to the one in the host's apt sources
 * ({@link AptSources}). With a {@code rootfsCache}, debootstrap output is kept there per
 * suite+packages+mirror and reused (tests use this so they do not bootstrap on every run).
 */
public final class DebianImageBuilder {
  private static final Pattern SUITE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]{0,99}");
  static final Duration DEBOOTSTRAP_TIMEOUT = Duration.ofMinutes(30);
  /** The environment a Debian image runs with (as Debian's own container images set it). */
  static final ImageConfig CONFIG = new ImageConfig("",
      List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"),
      List.of(), List.of("/bin/bash"), "");

  /**
   * @param mirror {@code null} = the host's apt mirror for the suite
   * @param tag {@code null} = {@code debian:SUITE} plus the packages ({@code debian:bookworm-git-python3})
   */
  public record Request(String suite, List<String> packages, String mirror, String tag) {
    public Request {
      Objects.requireNonNull(suite, "suite");
      packages = List.copyOf(new TreeSet<>(packages));
      if (!SUITE.matcher(suite).matches()) {
        throw new ImageException(ImageException.Kind.INVALID, "--suite '" + suite
            + "' is not a Debian suite name (for example bookworm)");
      }
      for (String p : packages) {
        if (!PACKAGE.matcher(p).matches()) {
          throw new ImageException(ImageException.Kind.INVALID, "--packages: '" + p + "' is not a Debian package name");
        }
      }
      if (tag != null && !ImageName.isValid(tag)) {
        throw new ImageException(ImageException.Kind.INVALID, "--tag: " + invalidTag(tag));
      }
    }

    public String reference() {
      if (tag != null) {
        return ImageName.normalize(tag);
      }
      String name = "debian:" + suite + (packages.isEmpty() ? "" : "-" + String.join("-", packages));
      name = name.replace('+', 'p');
      return ImageName.normalize(name.length() > 135 ? name.substring(0, 135) : name);
    }
  }

  private final ImageStore store;
  private final Path rootfsCache;
  private final Path etcApt;
  private final String debootstrap;

  /** {@code rootfsCache} {@code null} = no cache: each build bootstraps into a scratch dir. */
  public DebianImageBuilder(ImageStore store, Path rootfsCache) {
    this(store, rootfsCache, Path.of("/etc/apt"), "debootstrap");
  }

  DebianImageBuilder(ImageStore store, Path rootfsCache, Path etcApt, String debootstrap) {
    this.store = store;
    this.rootfsCache = rootfsCache;
    this.etcApt = etcApt;
    this.debootstrap = debootstrap;
  }

  /** The mirror a request uses: its own, else the host's for the suite; INVALID when there is none. */
  public String mirror(Request request) {
    if (request.mirror() != null && !request.mirror().isBlank()) {
      return request.mirror();
    }
    return AptSources.mirrorFor(etcApt, request.suite()).orElseThrow(() -> new ImageException(
        ImageException.Kind.INVALID, "no Debian mirror for suite " + request.suite() + " in " + etcApt
            + "/sources.list(.d); pass --mirror URL"));
  }

  public ImageRecord build(Request request, ProgressListener progress) {
    String mirror = mirror(request);
    if (!HostCommand.available(debootstrap)) {
      throw new ImageException(ImageException.Kind.ENVIRONMENT,
          "debootstrap is not installed; install it (scripts/prepare-host.sh) or `apt-get install debootstrap`");
    }
    Path scratch = null;
    try {
      Path rootfs;
      if (rootfsCache != null) {
        rootfs = cachedRootfs(request, mirror, progress);
      } else {
        scratch = store.newWorkDir("debootstrap");
        rootfs = scratch.resolve("rootfs");
        bootstrap(request, mirror, rootfs, progress);
      }
      progress.step("hashing the root filesystem");
      String digest = RootfsDigest.withConfig(RootfsDigest.of(rootfs), ImageJson.config(CONFIG).toString());
      String source = "debootstrap " + request.suite()
          + (request.packages().isEmpty() ? "" : " +" + String.join(",", request.packages()));
      return store.importRootfs(new ImageStore.ImportRequest(rootfs, CONFIG, digest, List.of(request.reference()),
          source, List.of()), progress);
    } finally {
      if (scratch != null) {
        try {
          Files2.deleteTree(scratch);
        } catch (IOException ignored) {
          // left in the store's tmp; prune removes it
        }
      }
    }
  }

  private Path cachedRootfs(Request request, String mirror, ProgressListener progress) {
    Path dir = rootfsCache.resolve(request.suite() + "-" + cacheKey(request, mirror));
    Path rootfs = dir.resolve("rootfs");
    if (Files.isRegularFile(dir.resolve(".complete"))) {
      progress.step("reusing the debootstrap output in " + dir);
      return rootfs;
    }
    try {
      Files2.deleteTree(dir);
      Files.createDirectories(dir);
      bootstrap(request, mirror, rootfs, progress);
      Files.writeString(dir.resolve(".complete"), request.suite() + " " + request.packages() + " " + mirror + "\n");
      return rootfs;
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.IO, "debootstrap cache " + dir + ": " + e.getMessage(), e);
    }
  }

  /** suite + packages + mirror, hashed: one cache entry per distinct bootstrap. */
  static String cacheKey(Request request, String mirror) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((request.suite() + "\n" + request.packages() + "\n"
          + mirror + "\nminbase").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void bootstrap(Request request, String mirror, Path rootfs, ProgressListener progress) {
    var argv = new ArrayList<>(List.of(debootstrap, "--variant=minbase"));
    if (!request.packages().isEmpty()) {
      argv.add("--include=" + String.join(",", request.packages()));
    }
    argv.addAll(List.of(request.suite(), rootfs.toString(), mirror));
    progress.step("debootstrap " + request.suite() + (request.packages().isEmpty() ? ""
        : " with " + String.join(", ", request.packages())) + " (a few minutes)");
    StreamingCommand.Result result;
    try {
      result = StreamingCommand.run(argv, DEBOOTSTRAP_TIMEOUT, line -> {
        // debootstrap's "I: Retrieving ..." lines are progress; the rest is detail for failures
        if (line.startsWith("I: ") && !line.startsWith("I: Retrieving") && !line.startsWith("I: Validating")
            && !line.startsWith("I: Unpacking") && !line.startsWith("I: Configuring")) {
          progress.step("  " + line.substring(3));
        }
      });
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.ENVIRONMENT, "cannot run debootstrap: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException(ImageException.Kind.IO, "interrupted during debootstrap", e);
    }
    if (result.exitCode() != 0) {
      throw new ImageException(ImageException.Kind.ENVIRONMENT, "debootstrap failed ("
          + (result.exitCode() < 0 ? "timed out" : "exit " + result.exitCode()) + "): "
          + String.join(" | ", result.tail().subList(Math.max(0, result.tail().size() - 5), result.tail().size()))
          + (isRoot() ? "" : " (debootstrap needs root)"));
    }
    cleanApt(rootfs);
  }

  /** Downloaded .debs and apt lists are not part of the image (as Debian's container images do). */
  private static void cleanApt(Path rootfs) {
    for (String dir : List.of("var/cache/apt/archives", "var/lib/apt/lists")) {
      Path d = rootfs.resolve(dir);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.list(d)) {
        for (Path f : files.toList()) {
          if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !f.getFileName().toString().equals("lock")) {
            Files.delete(f);
          }
        }
      } catch (IOException e) {
        throw new ImageException(ImageException.Kind.IO, "cannot clean " + d + ": " + e.getMessage(), e);
      }
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String invalidTag(String tag) {
    try {
      ImageName.normalize(tag);
      return tag;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}

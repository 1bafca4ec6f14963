package dev.sbx.vm.image;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.host.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the guest kernel. {@code SBX_KERNEL} (a vmlinuz) with {@code SBX_KERNEL_MODULES} (its
 * {@code lib/modules/VERSION} directory) wins; otherwise Debian's cloud kernel package is fetched
 * with {@code apt-get download} and unpacked with {@code dpkg-deb -x} into
 * {@code CACHE/kernel/VERSION/} (no install, no root beyond apt's lists). A cached kernel is used
 * when apt cannot answer (offline).
 */
public final class KernelProvider {
  static final String META_PACKAGE = "linux-image-cloud-amd64";
  private static final Pattern DEPENDS = Pattern.compile("Depends:\\s*linux-image-(\\S+-cloud-amd64)");
  private static final Duration APT_TIMEOUT = Duration.ofMinutes(5);

  private final Path cacheRoot;
  private final Map<String, String> env;

  public KernelProvider(Path cacheDir, Map<String, String> env) {
    this.cacheRoot = cacheDir.resolve("kernel");
    this.env = Map.copyOf(env);
  }

  public GuestKernel kernel() {
    String configured = env.get("SBX_KERNEL");
    if (configured != null && !configured.isBlank()) {
      return configuredKernel(Path.of(configured));
    }
    Optional<String> version = currentVersion();
    if (version.isPresent()) {
      Optional<GuestKernel> cached = cached(version.get());
      return cached.orElseGet(() -> fetch(version.get()));
    }
    return newestCached().orElseThrow(() -> new SandboxException(SandboxException.Kind.ENVIRONMENT, null,
        "no guest kernel: `apt-cache depends " + META_PACKAGE + "` found nothing (run `apt-get update`), "
            + "or set SBX_KERNEL to a vmlinuz and SBX_KERNEL_MODULES to its modules directory"));
  }

  private GuestKernel configuredKernel(Path image) {
    if (!Files.isRegularFile(image)) {
      throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null, "SBX_KERNEL=" + image + " is not a file");
    }
    String name = image.getFileName().toString();
    String version = name.startsWith("vmlinuz-") ? name.substring("vmlinuz-".length()) : name;
    Path modules = Path.of(env.getOrDefault("SBX_KERNEL_MODULES", "/lib/modules/" + version));
    if (!Files.isDirectory(modules)) {
      throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null,
          "modules directory " + modules + " for SBX_KERNEL does not exist; set SBX_KERNEL_MODULES");
    }
    return new GuestKernel(modules.getFileName().toString(), image, modules);
  }

  /** The version the meta package points at now, e.g. {@code 6.1.0-56-cloud-amd64}. */
  Optional<String> currentVersion() {
    if (!HostCommand.available("apt-cache")) {
      return Optional.empty();
    }
    var result = HostCommand.run(List.of("apt-cache", "depends", META_PACKAGE), null, Duration.ofSeconds(60));
    Matcher m = DEPENDS.matcher(result.stdout());
    return result.exitCode() == 0 && m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  Optional<GuestKernel> cached(String version) {
    Path dir = cacheRoot.resolve(version);
    Path image = dir.resolve("vmlinuz-" + version);
    Path modules = dir.resolve("lib/modules/" + version);
    if (Files.isRegularFile(image) && Files.isDirectory(modules)) {
      return Optional.of(new GuestKernel(version, image, modules));
    }
    return Optional.empty();
  }

  private Optional<GuestKernel> newestCached() {
    if (!Files.isDirectory(cacheRoot)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(cacheRoot)) {
      return dirs.map(d -> d.getFileName().toString()).sorted(Comparator.reverseOrder())
          .map(this::cached).flatMap(Optional::stream).findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Downloads and unpacks into a temp dir next to the cache, then renames it into place. */
  private GuestKernel fetch(String version) {
    String pkg = "linux-image-" + version;
    try {
      Files.createDirectories(cacheRoot);
      Path work = Files.createTempDirectory(cacheRoot, ".fetch-");
      try {
        HostCommand.run(List.of("apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg), work, APT_TIMEOUT)
            .orThrow(List.of("apt-get", "download", pkg));
        Path deb;
        try (Stream<Path> files = Files.list(work)) {
          deb = files.filter(p -> p.toString().endsWith(".deb")).findFirst().orElseThrow(() ->
              new SandboxException(SandboxException.Kind.ENVIRONMENT, null, "apt-get download " + pkg + " produced no .deb"));
        }
        Path root = work.resolve("root");
        HostCommand.run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), work, APT_TIMEOUT)
            .orThrow(List.of("dpkg-deb", "-x", deb.toString()));
        Path staged = work.resolve("staged");
        Files.createDirectories(staged.resolve("lib/modules"));
        Files.move(root.resolve("boot/vmlinuz-" + version), staged.resolve("vmlinuz-" + version));
        Path modules = Files.isDirectory(root.resolve("lib/modules/" + version))
            ? root.resolve("lib/modules/" + version) : root.resolve("usr/lib/modules/" + version);
        Files.move(modules, staged.resolve("lib/modules/" + version));
        Path target = cacheRoot.resolve(version);
        try {
          Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
          if (cached(version).isEmpty()) {
            throw raced;
          }
        }
      } finally {
        Files2.deleteTree(work);
      }
    } catch (IOException e) {
      throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null, "cannot unpack " + pkg + ": " + e.getMessage(), e);
    }
    return cached(version).orElseThrow(() -> new IllegalStateException("kernel " + version + " missing after fetch"));
  }
}

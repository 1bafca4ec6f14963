package dev.sbx.vm.image;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Builds the guest initramfs in Java: the agent as {@code /init}, busybox with applet symlinks,
 * the kernel modules in load order and the {@code /etc/sbx} files ({@link GuestLayout}). The
 * result is content-addressed: {@code CACHE/initramfs/SHA256.img}, reused when inputs match.
 */
public final class InitramfsBuilder {
  /** Bump when the layout changes so old cached images are not reused. */
  static final String FORMAT = "sbx-initramfs-1";

  private final Path cacheDir;

  public InitramfsBuilder(Path cacheDir) {
    this.cacheDir = cacheDir.resolve("initramfs");
  }

  /**
   * @param agent the static guest agent binary
   * @param busybox a static busybox binary
   * @param applets busybox applet names to link into {@code /bin}
   */
  public GuestImage build(GuestKernel kernel, byte[] agent, byte[] busybox, List<String> applets) {
    return build(kernel, agent, busybox, applets, null);
  }

  /**
   * @param rootSpec the content of {@link GuestLayout#ROOT_FILE} (the guest switches to that disk
   *     as its root), {@code null} to stay in the initramfs
   */
  public GuestImage build(GuestKernel kernel, byte[] agent, byte[] busybox, List<String> applets, String rootSpec) {
    List<Path> modules = new ModuleOrder(kernel.modulesDir()).order(GuestLayout.MODULES);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((FORMAT + "\n" + kernel.version() + "\n" + modules + "\n" + new TreeSet<>(applets) + "\n"
          + (rootSpec == null ? "" : "root=" + rootSpec + "\n"))
          .getBytes(StandardCharsets.UTF_8));
      sha.update(MessageDigest.getInstance("SHA-256").digest(agent));
      sha.update(MessageDigest.getInstance("SHA-256").digest(busybox));
      for (Path module : modules) {
        sha.update(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(kernel.modulesDir().resolve(module))));
      }
      String digest = HexFormat.of().formatHex(sha.digest());
      Path image = cacheDir.resolve(digest + ".img");
      if (!Files.isRegularFile(image)) {
        Files.createDirectories(cacheDir);
        Path tmp = Files.createTempFile(cacheDir, ".build-", ".img");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
          write(out, kernel, modules, agent, busybox, applets, rootSpec);
        }
        Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      return new GuestImage(kernel, image, digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(OutputStream out, GuestKernel kernel, List<Path> modules, byte[] agent, byte[] busybox,
      List<String> applets, String rootSpec) throws IOException {
    try (var cpio = new CpioWriter(out)) {
      for (String dir : GuestLayout.DIRECTORIES) {
        cpio.directory(dir, dir.equals("/tmp") ? 01777 : 0755);
      }
      cpio.charDevice("/dev/console", 0600, 5, 1);
      cpio.charDevice("/dev/null", 0666, 1, 3);
      cpio.file(GuestLayout.INIT, 0755, agent);
      cpio.file("/bin/busybox", 0755, busybox);
      for (String applet : new TreeSet<>(applets)) {
        if (!applet.equals("busybox") && !applet.equals("init") && !applet.equals("linuxrc")) {
          cpio.symlink("/bin/" + applet, "busybox");
        }
      }
      cpio.symlink("/usr/bin/env", "/bin/busybox");
      cpio.file(GuestLayout.PROBE_INIT, 0755, GuestLayout.probeScript().getBytes(StandardCharsets.UTF_8));
      cpio.file("/etc/passwd", 0644, GuestLayout.PASSWD.getBytes(StandardCharsets.UTF_8));
      cpio.file("/etc/group", 0644, GuestLayout.GROUP.getBytes(StandardCharsets.UTF_8));
      cpio.file("/etc/profile", 0644, GuestLayout.PROFILE.getBytes(StandardCharsets.UTF_8));
      cpio.file(GuestLayout.CHANNEL_FILE, 0644, (GuestLayout.AGENT_PORT + "\n").getBytes(StandardCharsets.UTF_8));
      if (rootSpec != null) {
        cpio.file(GuestLayout.ROOT_FILE, 0644, (rootSpec + "\n").getBytes(StandardCharsets.UTF_8));
      }

      String base = "/lib/modules/" + kernel.version();
      var dirs = new TreeSet<String>();
      var list = new StringBuilder();
      for (Path module : modules) {
        String target = base + "/" + module.toString().replace('\\', '/');
        for (String parent = parentOf(target); parent.length() > "/lib/modules".length(); parent = parentOf(parent)) {
          dirs.add(parent);
        }
        list.append(target).append('\n');
      }
      for (String dir : dirs) {
        cpio.directory(dir, 0755);
      }
      for (Path module : modules) {
        String rel = module.toString().replace('\\', '/');
        cpio.file(base + "/" + rel, 0644, Files.readAllBytes(kernel.modulesDir().resolve(module)));
      }
      cpio.file(GuestLayout.MODULES_FILE, 0644, list.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String parentOf(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }

  /** The applets a static busybox offers ({@code busybox --list}). */
  public static List<String> busyboxApplets(Path busybox) {
    var result = dev.sbx.vm.host.HostCommand.run(List.of(busybox.toString(), "--list"), null, java.time.Duration.ofSeconds(20))
        .orThrow(List.of(busybox.toString(), "--list"));
    var applets = new ArrayList<String>();
    for (String line : result.stdout().split("\n")) {
      if (line.matches("[a-z0-9_.\\[-]+")) {
        applets.add(line.strip());
      }
    }
    return applets;
  }
}

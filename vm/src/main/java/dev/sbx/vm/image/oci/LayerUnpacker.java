package dev.sbx.vm.image.oci;

import dev.sbx.vm.image.Files2;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Applies image layers, bottom first, to a root file system directory, as the OCI image spec's
 * "applying changesets" says: regular files, directories, symlinks, hard links, modes (with setuid,
 * setgid, sticky), owners, mtimes; {@code .wh.NAME} removes NAME of lower layers and
 * {@code .wh..wh..opq} hides everything lower layers put in its directory. gzip and uncompressed
 * tar are read (the compression is sniffed, not trusted from the media type); zstd is refused.
 *
 * <p>Safety: every entry is placed by walking its parent directories from the root, following
 * symlinks already in the tree as a chroot would (an absolute target starts again at the root) and
 * refusing any path that would leave the root: an absolute name, {@code ../} above the root, or a
 * symlink whose target climbs out. Hard-link targets are resolved the same way. Refusals throw
 * {@link OciException} ({@code UNSAFE_LAYER}) naming the layer digest and the entry; nothing outside
 * the root is ever written, and the final component of a path is never followed.
 *
 * <p>Owners are set on disk only when {@link Options#chown()} (by default when running as root);
 * device nodes and fifos are created only when {@link Options#createDevices()} (root), otherwise
 * skipped. Either way the {@link #ownership()} manifest records what the layers asked for.
 * Not thread-safe: one unpacker per root, layers applied one after the other.
 */
public final class LayerUnpacker {
  private static final int MAX_SYMLINK_HOPS = 40;
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  /**
   * @param chown set owners on disk (needs root)
   * @param createDevices create device nodes and fifos with {@code mknod} (needs root); else skip them
   */
  public record Options(boolean chown, boolean createDevices) {
    /** Owners and devices when the JVM runs as root, neither otherwise. */
    public static Options forCurrentUser() {
      boolean root = isRoot();
      return new Options(root, root);
    }
  }

  /** What one layer did. */
  public record Stats(String digest, long entries, long files, long bytes, long whiteouts, long skippedDevices) {}

  private final Path root;
  private final Options options;
  private final OwnershipManifest ownership = new OwnershipManifest();

  // Per-layer state.
  private String layer;
  private TreeSet<String> touched;
  private Map<Path, Long> dirTimes;
  private long entries;
  private long files;
  private long bytes;
  private long whiteouts;
  private long skipped;

  public LayerUnpacker(Path rootfs, Options options) {
    try {
      Files.createDirectories(rootfs);
      this.root = rootfs.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.options = options;
  }

  public Path root() {
    return root;
  }

  /** The owners, modes and types of everything unpacked so far. */
  public OwnershipManifest ownership() {
    return ownership;
  }

  /** Applies a layer blob file (gzip or plain tar). */
  public Stats apply(Path blob, String digest) {
    try (InputStream in = Files.newInputStream(blob)) {
      return apply(in, digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies a layer read from a stream (gzip or plain tar). */
  public Stats apply(InputStream layerStream, String digest) {
    layer = digest;
    touched = new TreeSet<>();
    dirTimes = new LinkedHashMap<>();
    entries = files = bytes = whiteouts = skipped = 0;
    try {
      TarReader tar = new TarReader(decompressed(layerStream), digest);
      TarEntry e;
      while ((e = tar.next()) != null) {
        entries++;
        applyEntry(e, tar);
      }
      // Directory mtimes last: creating their children changed them.
      for (var d : dirTimes.entrySet()) {
        setTime(d.getKey(), d.getValue());
      }
    } catch (IOException e) {
      throw new OciException(OciException.Kind.IO, "layer " + digest + ": " + e, e);
    }
    return new Stats(digest, entries, files, bytes, whiteouts, skipped);
  }

  private InputStream decompressed(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 << 10);
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(in, 64 << 10), 64 << 10);
    }
    if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      throw new OciException(OciException.Kind.UNSUPPORTED, ManifestParser.zstdMessage(layer));
    }
    return in;
  }

  // ------------------------------------------------------------------ entries

  private void applyEntry(TarEntry e, TarReader tar) throws IOException {
    List<String> parts = clean(e.name(), e.name());
    if (parts.isEmpty()) {
      return; // the root itself ("./"): its mode and owner stay the store's business
    }
    String name = parts.get(parts.size() - 1);
    boolean whiteout = name.startsWith(WHITEOUT);
    List<String> parent = resolveDirectory(parts.subList(0, parts.size() - 1), e.name(), !whiteout);
    if (parent == null) {
      whiteouts++;
      return; // a whiteout in a directory no lower layer has: nothing to hide
    }
    Path dir = at(parent);
    if (whiteout) {
      whiteouts++;
      if (name.equals(OPAQUE)) {
        opaque(dir, join(parent));
      } else if (!name.startsWith(WHITEOUT + WHITEOUT)) { // .wh..wh.* are aufs bookkeeping, not whiteouts
        String hidden = name.substring(WHITEOUT.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
          throw unsafe(e, "is a whiteout for '" + hidden + "'");
        }
        String rel = child(join(parent), hidden);
        if (!touched.contains(rel)) {
          deleteTree(dir.resolve(hidden), rel);
        }
      }
      return;
    }
    String rel = child(join(parent), name);
    Path target = dir.resolve(name);
    BasicFileAttributes existing = attrs(target);
    touched.add(rel);
    switch (e.type()) {
      case DIRECTORY -> {
        if (existing == null || !existing.isDirectory()) {
          if (existing != null) {
            deleteTree(target, rel);
          }
          Files.createDirectory(target);
        }
        finish(target, e, 'd');
        dirTimes.put(target, e.mtimeSeconds());
      }
      case FILE -> {
        replace(target, existing, rel);
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
          bytes += tar.body().transferTo(out);
        }
        files++;
        finish(target, e, 'f');
        setTime(target, e.mtimeSeconds());
      }
      case SYMLINK -> {
        if (e.linkName().isEmpty()) {
          throw unsafe(e, "is a symlink with an empty target");
        }
        replace(target, existing, rel);
        Files.createSymbolicLink(target, Path.of(e.linkName()));
        finish(target, e, 'l');
      }
      case HARDLINK -> {
        List<String> linkParts = clean(e.linkName(), e.name() + " (hard link target " + e.linkName() + ")");
        if (linkParts.isEmpty()) {
          throw unsafe(e, "is a hard link to the root directory");
        }
        List<String> linkParent = resolveDirectory(linkParts.subList(0, linkParts.size() - 1), e.name(), false);
        if (linkParent == null) {
          throw unsafe(e, "is a hard link to '" + e.linkName() + "', which does not exist");
        }
        Path source = at(linkParent).resolve(linkParts.get(linkParts.size() - 1));
        BasicFileAttributes sa = attrs(source);
        if (sa == null) {
          throw unsafe(e, "is a hard link to '" + e.linkName() + "', which does not exist");
        }
        if (sa.isDirectory()) {
          throw unsafe(e, "is a hard link to the directory '" + e.linkName() + "'");
        }
        if (source.equals(target)) {
          return;
        }
        replace(target, existing, rel);
        Files.createLink(target, source);
        String sourceRel = child(join(linkParent), linkParts.get(linkParts.size() - 1));
        ownership.get(sourceRel).ifPresent(o -> ownership.put(rel, o));
      }
      case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
        char type = e.type() == TarEntry.Type.CHAR_DEVICE ? 'c' : e.type() == TarEntry.Type.BLOCK_DEVICE ? 'b' : 'p';
        ownership.put(rel, new OwnershipManifest.Entry(type, e.mode(), e.uid(), e.gid(), e.devMajor(), e.devMinor()));
        if (!options.createDevices()) {
          skipped++;
          return;
        }
        replace(target, existing, rel);
        mknod(target, type, e);
        finish(target, e, type);
      }
      default -> throw new IllegalStateException("unhandled tar type " + e.type());
    }
  }

  /** Sets owner (when chown) then mode (chown clears setuid bits), and records both. */
  private void finish(Path p, TarEntry e, char type) throws IOException {
    boolean link = type == 'l';
    // JDK chmod opens the file first, which blocks on a fifo and may wake a device: mknod -m set their mode.
    boolean special = type == 'c' || type == 'b' || type == 'p';
    if (options.chown()) {
      Files.setAttribute(p, "unix:uid", e.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", e.gid(), LinkOption.NOFOLLOW_LINKS);
    }
    if (!link && !special) {
      Files.setAttribute(p, "unix:mode", e.mode(), LinkOption.NOFOLLOW_LINKS);
    }
    ownership.put(rel(p), new OwnershipManifest.Entry(type, link ? 0777 : e.mode(), e.uid(), e.gid(), e.devMajor(), e.devMinor()));
  }

  private void mknod(Path target, char type, TarEntry e) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("mknod", "-m", Integer.toOctalString(e.mode()), target.toString(),
        String.valueOf(type)));
    if (type != 'p') {
      cmd.add(String.valueOf(e.devMajor()));
      cmd.add(String.valueOf(e.devMinor()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("mknod " + target + " failed: " + out.trim());
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", ie);
    }
  }

  private void replace(Path target, BasicFileAttributes existing, String rel) throws IOException {
    if (existing != null) {
      if (existing.isDirectory()) {
        deleteTree(target, rel);
      } else {
        Files.delete(target);
        ownership.removeTree(rel);
      }
    }
  }

  /** Hides what lower layers put in {@code dir}: everything not written by this layer goes. */
  private void opaque(Path dir, String rel) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(children::add);
    }
    for (Path c : children) {
      String crel = child(rel, c.getFileName().toString());
      String under = touched.ceiling(crel + "/");
      boolean touchedBelow = under != null && under.startsWith(crel + "/");
      if (touchedBelow) {
        BasicFileAttributes a = attrs(c);
        if (a != null && a.isDirectory()) {
          opaque(c, crel);
        }
      } else if (!touched.contains(crel)) {
        deleteTree(c, crel);
      }
    }
  }

  private void deleteTree(Path p, String rel) throws IOException {
    BasicFileAttributes a = attrs(p);
    if (a == null) {
      return;
    }
    if (a.isDirectory()) {
      Files2.deleteTree(p);
    } else {
      Files.delete(p);
    }
    ownership.removeTree(rel);
  }

  // ------------------------------------------------------------------ paths

  /**
   * Splits an entry name into clean components: {@code .} and empty parts dropped, {@code ..}
   * folded lexically. Absolute names and names that climb above the root are refused.
   */
  private List<String> clean(String name, String entry) {
    if (name.startsWith("/")) {
      throw unsafe(entry, "is an absolute path; layer paths must be relative to the root");
    }
    List<String> out = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (out.isEmpty()) {
          throw unsafe(entry, "escapes the root with '..'");
        }
        out.remove(out.size() - 1);
        continue;
      }
      out.add(part);
    }
    return out;
  }

  /**
   * Walks directory components from the root, following symlinks inside the tree as a chroot
   * would, and returns the real components (no symlinks left). Missing directories are created
   * when {@code create}; otherwise a missing directory gives {@code null}.
   */
  private List<String> resolveDirectory(List<String> components, String entry, boolean create) throws IOException {
    Deque<String> todo = new ArrayDeque<>(components);
    List<String> real = new ArrayList<>();
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.removeFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (real.isEmpty()) {
          throw unsafe(entry, "escapes the root through a symlink on its path");
        }
        real.remove(real.size() - 1);
        continue;
      }
      Path p = at(real).resolve(c);
      BasicFileAttributes a = attrs(p);
      if (a == null) {
        if (!create) {
          return null;
        }
        Files.createDirectory(p);
        Files.setAttribute(p, "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);
        String rel = child(join(real), c);
        ownership.put(rel, new OwnershipManifest.Entry('d', 0755, 0, 0, 0, 0));
        real.add(c);
      } else if (a.isSymbolicLink()) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw unsafe(entry, "goes through more than " + MAX_SYMLINK_HOPS + " symlinks (a loop?)");
        }
        String target = Files.readSymbolicLink(p).toString();
        if (target.startsWith("/")) {
          real.clear(); // an absolute target starts again at the root, as in a chroot
        }
        List<String> t = new ArrayList<>(List.of(target.split("/")));
        for (int i = t.size() - 1; i >= 0; i--) {
          todo.addFirst(t.get(i));
        }
      } else if (a.isDirectory()) {
        real.add(c);
      } else {
        throw unsafe(entry, "needs '" + child(join(real), c) + "' to be a directory, but an earlier entry made it a file");
      }
    }
    return real;
  }

  private Path at(List<String> real) {
    Path p = root;
    for (String c : real) {
      p = p.resolve(c);
    }
    return p;
  }

  private String rel(Path p) {
    return root.relativize(p).toString();
  }

  private static String join(List<String> parts) {
    return String.join("/", parts);
  }

  private static String child(String parent, String name) {
    return parent.isEmpty() ? name : parent + "/" + name;
  }

  private static BasicFileAttributes attrs(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }

  private static void setTime(Path p, long seconds) {
    try {
      FileTime t = FileTime.from(seconds, TimeUnit.SECONDS);
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, t, null);
    } catch (IOException | UnsupportedOperationException e) {
      // mtimes are cosmetic; a file system that refuses them does not make the layer wrong
    }
  }

  private OciException unsafe(TarEntry e, String why) {
    return unsafe(e.name(), why);
  }

  private OciException unsafe(String entry, String why) {
    return new OciException(OciException.Kind.UNSAFE_LAYER,
        "layer " + layer + ": entry '" + entry + "' " + why + "; the layer was refused");
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

}

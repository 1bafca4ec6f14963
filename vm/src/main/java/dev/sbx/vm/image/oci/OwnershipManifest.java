package dev.sbx.vm.image.oci;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The owner, group, mode and type of every path of an unpacked root file system, as the layers
 * say they should be. When the unpacker runs as root the tree on disk already has them (and
 * {@code mkfs.ext4 -d} copies uid, gid, mode, setuid bits and symlink ownership from the source
 * tree as they are); without root they cannot be set on disk, and this manifest is how an image
 * store applies them afterwards ({@link #debugfsScript()}), together with device nodes that were
 * skipped.
 *
 * <p>File format ({@link #write}): one line per path, {@code TYPE MODE UID GID MAJOR MINOR PATH},
 * TYPE one of {@code f d l h c b p} (hard links are {@code f}), MODE octal, PATH relative to the
 * root with {@code \} and newline escaped as {@code \\} and {@code \n}.
 */
public final class OwnershipManifest {

  /** @param type {@code f} file, {@code d} directory, {@code l} symlink, {@code c}/{@code b} device, {@code p} fifo */
  public record Entry(char type, int mode, int uid, int gid, int devMajor, int devMinor) {}

  private final TreeMap<String, Entry> entries = new TreeMap<>();

  public synchronized Optional<Entry> get(String path) {
    return Optional.ofNullable(entries.get(path));
  }

  /** All entries, sorted by path. */
  public synchronized NavigableMap<String, Entry> entries() {
    return Collections.unmodifiableNavigableMap(new TreeMap<>(entries));
  }

  public synchronized int size() {
    return entries.size();
  }

  synchronized void put(String path, Entry e) {
    entries.put(path, e);
  }

  /** Forgets a path and everything under it. */
  synchronized void removeTree(String path) {
    entries.remove(path);
    entries.subMap(path + "/", path + "0").clear(); // '0' is the character after '/'
  }

  public synchronized void write(Path file) {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (var e : entries.entrySet()) {
        Entry v = e.getValue();
        w.write(v.type() + " " + Integer.toOctalString(v.mode()) + " " + v.uid() + " " + v.gid() + " "
            + v.devMajor() + " " + v.devMinor() + " " + e.getKey().replace("\\", "\\\\").replace("\n", "\\n"));
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static OwnershipManifest read(Path file) {
    OwnershipManifest m = new OwnershipManifest();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ", 7);
        if (f.length != 7 || f[0].length() != 1) {
          throw new IllegalStateException("corrupt ownership manifest " + file + ": " + line);
        }
        m.put(unescape(f[6]), new Entry(f[0].charAt(0), Integer.parseInt(f[1], 8), Integer.parseInt(f[2]),
            Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 'n' ? '\n' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * A {@code debugfs -w -f SCRIPT IMAGE} script that gives an ext4 image made with
   * {@code mkfs.ext4 -d} (by a non-root user) the recorded owners and modes, and creates the
   * device nodes and fifos. Paths holding a double quote or a newline cannot be written in
   * debugfs syntax and are listed in {@link #unscriptable()} instead.
   */
  public synchronized String debugfsScript() {
    StringBuilder s = new StringBuilder();
    for (var e : entries.entrySet()) {
      String path = e.getKey();
      if (!scriptable(path)) {
        continue;
      }
      Entry v = e.getValue();
      String q = "\"/" + path + "\"";
      if (v.type() == 'c' || v.type() == 'b' || v.type() == 'p') {
        // debugfs's mknod links the node into the current directory under the name as given
        int slash = path.lastIndexOf('/');
        s.append("cd \"/").append(slash < 0 ? "" : path.substring(0, slash)).append("\"\n");
        s.append("mknod \"").append(path.substring(slash + 1)).append('"')
            .append(v.type() == 'p' ? " p" : " " + v.type() + " " + v.devMajor() + " " + v.devMinor()).append('\n');
        s.append("cd /\n");
      }
      int typeBits = switch (v.type()) {
        case 'd' -> 0040000;
        case 'l' -> 0120000;
        case 'c' -> 0020000;
        case 'b' -> 0060000;
        case 'p' -> 0010000;
        default -> 0100000;
      };
      s.append("sif ").append(q).append(" uid ").append(v.uid()).append('\n');
      s.append("sif ").append(q).append(" gid ").append(v.gid()).append('\n');
      s.append("sif ").append(q).append(" mode 0").append(Integer.toOctalString(typeBits | v.mode())).append('\n');
    }
    return s.toString();
  }

  /** Paths {@link #debugfsScript()} had to leave out. */
  public synchronized List<String> unscriptable() {
    return entries.keySet().stream().filter(p -> !scriptable(p)).toList();
  }

  private static boolean scriptable(String path) {
    return path.indexOf('"') < 0 && path.indexOf('\n') < 0;
  }
}

package dev.sbx.vm.image.store;

import dev.sbx.vm.host.HostCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes a base image disk: a sparse raw file formatted ext4 by {@code mkfs.ext4 -d ROOTFS}, which
 * copies the tree in without mounting anything (no root, no loop device). Sized as the content
 * plus metadata plus {@code headroomMib} of free space for what sandboxes write (their writes go
 * to their own overlays; the headroom costs the host nothing until then, the file is sparse).
 */
final class Ext4Image {
  static final long BLOCK = 4096;
  static final long MIB = 1024 * 1024;

  private Ext4Image() {}

  /** Bytes of file content and entries in a tree. */
  record Measure(long contentBytes, long blocksBytes, long entries) {}

  static Measure measure(Path root) {
    long content = 0;
    long blocks = 0;
    long entries = 0;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        entries++;
        if (a.isRegularFile()) {
          content += a.size();
          blocks += (a.size() + BLOCK - 1) / BLOCK * BLOCK;
        } else if (a.isDirectory() || a.isSymbolicLink()) {
          blocks += BLOCK;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Measure(content, blocks, entries);
  }

  /** The virtual size of the disk for a tree of this measure. */
  static long sizeBytes(Measure m, long headroomMib) {
    long inodeTables = inodes(m) * 256;
    long needed = m.blocksBytes() + m.blocksBytes() / 10 + inodeTables + 64 * MIB;
    long mib = (needed + MIB - 1) / MIB + headroomMib;
    return mib * MIB;
  }

  /** Room for the image's entries and as many again for what sandboxes add (at least 64 Ki). */
  static long inodes(Measure m) {
    return m.entries() + Math.max(65536, m.entries());
  }

  static void create(Path rootfs, Path disk, Measure m, long headroomMib) {
    try {
      try (var file = new RandomAccessFile(disk.toFile(), "rw")) {
        file.setLength(sizeBytes(m, headroomMib));
      }
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.IO, "cannot create " + disk + ": " + e.getMessage(), e);
    }
    // -m 0: no blocks reserved for root (the whole fs is the guest's root); -J size=16: a small
    // journal, since every block the guest touches is copied into its overlay.
    List<String> argv = List.of("mkfs.ext4", "-q", "-F", "-b", "4096", "-m", "0", "-J", "size=16",
        "-N", String.valueOf(inodes(m)), "-L", "sbx-image", "-d", rootfs.toString(), disk.toString());
    var result = HostCommand.run(argv, null, Duration.ofMinutes(20));
    if (result.exitCode() != 0) {
      throw new ImageException(ImageException.Kind.ENVIRONMENT,
          "mkfs.ext4 -d failed (exit " + result.exitCode() + "): " + result.stderr().strip()
              + " (needs e2fsprogs ≥ 1.43; scripts/prepare-host.sh installs it)");
    }
  }

  /** Runs a {@code debugfs -w} script on the disk (before it is made read-only). */
  static void applyDebugfs(Path disk, String script, Path scriptFile) {
    try {
      Files.writeString(scriptFile, script);
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.IO, "cannot write " + scriptFile + ": " + e.getMessage(), e);
    }
    List<String> argv = List.of("debugfs", "-w", "-f", scriptFile.toString(), disk.toString());
    var result = HostCommand.run(argv, null, Duration.ofMinutes(20));
    // debugfs exits 0 even when a command fails; its complaints go to stderr
    if (result.exitCode() != 0 || result.stderr().lines().anyMatch(l -> !l.startsWith("debugfs ") && !l.isBlank())) {
      throw new ImageException(ImageException.Kind.IO, "debugfs on " + disk + " failed: " + result.stderr().strip());
    }
  }
}

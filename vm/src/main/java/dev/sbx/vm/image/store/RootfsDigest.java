package dev.sbx.vm.image.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The content digest of an unpacked root filesystem: SHA-256 over every entry in path order
 * (path, type, mode, owner, size, symlink target, device number, content hash). Times are left
 * out, so the same tree unpacked twice has one digest; anything a guest could observe besides
 * times is in it.
 */
public final class RootfsDigest {
  private RootfsDigest() {}

  public static String of(Path root) {
    try {
      MessageDigest tree = MessageDigest.getInstance("SHA-256");
      List<Path> entries;
      try (Stream<Path> walk = Files.walk(root)) {
        entries = walk.map(root::relativize).map(Path::toString).sorted().map(root::resolve).toList();
      }
      byte[] buffer = new byte[1 << 16];
      for (Path entry : entries) {
        Map<String, Object> a = Files.readAttributes(entry, "unix:mode,uid,gid,size,rdev", LinkOption.NOFOLLOW_LINKS);
        var line = new StringBuilder("/").append(root.relativize(entry)).append('\0')
            .append(a.get("mode")).append(' ').append(a.get("uid")).append(' ').append(a.get("gid"));
        if (Files.isSymbolicLink(entry)) {
          line.append(" l ").append(Files.readSymbolicLink(entry));
        } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          line.append(" f ").append(a.get("size")).append(' ').append(contentHash(entry, buffer));
        } else if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          line.append(" s ").append(a.get("rdev"));
        }
        tree.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
      }
      return "sha256:" + HexFormat.of().formatHex(tree.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Combines a tree digest with the config the image runs with, so both make up its identity. */
  public static String withConfig(String treeDigest, String configJson) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((treeDigest + "\n" + configJson).getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String contentHash(Path file, byte[] buffer) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}

package dev.sbx.reconciler.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The content hash of a directory tree: SHA-256 over each regular file's relative path and bytes,
 * in path order. Hidden entries ({@code .git}, editor swap files) are left out; so are mtimes, so
 * touching a file without changing it keeps the revision.
 */
final class TreeDigest {
  private TreeDigest() {}

  static String of(Path root) throws IOException {
    MessageDigest sha = sha256();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> !hidden(root.relativize(p)))
          .sorted()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path file : files) {
      String rel = root.relativize(file).toString().replace('\\', '/');
      sha.update(rel.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      byte[] content = Files.readAllBytes(file);
      sha.update(Long.toString(content.length).getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) 0);
      sha.update(content);
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  static boolean hidden(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || name.endsWith("~")) {
        return true;
      }
    }
    return false;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

package dev.sbx.vm.image.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves an image config's user ({@code name}, {@code uid}, {@code name:group},
 * {@code uid:gid}; empty = root) against the image's own {@code /etc/passwd} and
 * {@code /etc/group}, as a container runtime does at start. Done at import, while the tree is
 * at hand.
 */
final class ImageUser {
  private ImageUser() {}

  /** {uid, gid}; an unknown name is an INVALID image. */
  static int[] resolve(Path rootfs, String user) {
    if (user.isEmpty()) {
      return new int[] {0, 0};
    }
    String name = user;
    String group = null;
    int colon = user.indexOf(':');
    if (colon >= 0) {
      name = user.substring(0, colon);
      group = user.substring(colon + 1);
    }
    int uid;
    int gid = -1;
    String[] entry = lookup(rootfs.resolve("etc/passwd"), name);
    if (name.matches("\\d+")) {
      uid = Integer.parseInt(name);
      if (entry == null) {
        entry = lookupById(rootfs.resolve("etc/passwd"), uid);
      }
    } else if (entry != null) {
      uid = Integer.parseInt(entry[2]);
    } else {
      throw new ImageException(ImageException.Kind.INVALID,
          "the image's user '" + name + "' is not in its /etc/passwd");
    }
    if (entry != null && entry.length > 3) {
      gid = Integer.parseInt(entry[3]);
    }
    if (group != null) {
      if (group.matches("\\d+")) {
        gid = Integer.parseInt(group);
      } else {
        String[] g = lookup(rootfs.resolve("etc/group"), group);
        if (g == null) {
          throw new ImageException(ImageException.Kind.INVALID,
              "the image's group '" + group + "' is not in its /etc/group");
        }
        gid = Integer.parseInt(g[2]);
      }
    }
    return new int[] {uid, gid < 0 ? uid : gid};
  }

  private static String[] lookup(Path file, String name) {
    for (String[] fields : entries(file)) {
      if (fields[0].equals(name)) {
        return fields;
      }
    }
    return null;
  }

  private static String[] lookupById(Path file, int id) {
    for (String[] fields : entries(file)) {
      if (fields.length > 2 && fields[2].equals(String.valueOf(id))) {
        return fields;
      }
    }
    return null;
  }

  private static java.util.List<String[]> entries(Path file) {
    // Not following a symlink out of the tree: /etc/passwd in an image is a plain file.
    if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return java.util.List.of();
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split(":", -1))
          .filter(f -> f.length > 2 && f[2].matches("\\d+")).toList();
    } catch (IOException e) {
      return java.util.List.of();
    }
  }
}

package dev.sbx.vm.image.oci;

/**
 * One tar header, after PAX and GNU long-name records were folded in.
 *
 * @param name the path as written in the archive (not yet cleaned)
 * @param linkName the target of a symlink or hard link, else empty
 * @param mode permission bits including setuid, setgid and sticky ({@code 07777})
 */
record TarEntry(Type type, String name, String linkName, long size, int mode, int uid, int gid, long mtimeSeconds,
    int devMajor, int devMinor) {

  enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO }
}

package dev.sbx.vm.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs
 * ({@code Documentation/driver-api/early-userspace/buffer-format.rst}). Entries get fixed
 * mtimes and inode numbers so the same input gives the same bytes.
 */
public final class CpioWriter implements AutoCloseable {
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFCHR = 0020000;

  private final OutputStream out;
  private long written;
  private int inode = 1;

  public CpioWriter(OutputStream out) {
    this.out = out;
  }

  public void directory(String path, int mode) throws IOException {
    entry(path, S_IFDIR | (mode & 07777), 0, 0, new byte[0], 0, 0);
  }

  public void file(String path, int mode, byte[] content) throws IOException {
    entry(path, S_IFREG | (mode & 07777), 0, 0, content, 0, 0);
  }

  public void symlink(String path, String target) throws IOException {
    entry(path, S_IFLNK | 0777, 0, 0, target.getBytes(StandardCharsets.UTF_8), 0, 0);
  }

  public void charDevice(String path, int mode, int major, int minor) throws IOException {
    entry(path, S_IFCHR | (mode & 07777), 0, 0, new byte[0], major, minor);
  }

  private void entry(String path, int mode, int uid, int gid, byte[] data, int rdevMajor, int rdevMinor)
      throws IOException {
    String name = path.startsWith("/") ? path.substring(1) : path;
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty cpio entry name");
    }
    byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    header(inode++, mode, uid, gid, 1, data.length, rdevMajor, rdevMinor, nameBytes.length);
    write(nameBytes);
    pad();
    write(data);
    pad();
  }

  private void header(int ino, int mode, int uid, int gid, int nlink, int size, int rmaj, int rmin, int nameSize)
      throws IOException {
    var h = new StringBuilder("070701");
    for (int v : new int[] {ino, mode, uid, gid, nlink, 0, size, 0, 0, rmaj, rmin, nameSize, 0}) {
      h.append(String.format("%08x", v));
    }
    write(h.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private void write(byte[] bytes) throws IOException {
    out.write(bytes);
    written += bytes.length;
  }

  private void pad() throws IOException {
    while (written % 4 != 0) {
      out.write(0);
      written++;
    }
  }

  /** Writes the trailer; the caller closes the underlying stream. */
  @Override
  public void close() throws IOException {
    byte[] nameBytes = "TRAILER!!!\0".getBytes(StandardCharsets.US_ASCII);
    header(0, 0, 0, 0, 1, 0, 0, 0, nameBytes.length);
    write(nameBytes);
    pad();
    out.flush();
  }
}

package dev.sbx.vm.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A file the host writes into the guest (kit {@code files/home}, {@code files/workspace},
 * initFiles). Written on every start; parent directories are created and owned by {@code uid}.
 */
public record GuestFile(String path, byte[] content, int mode, int uid, int gid) {
  public GuestFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(content, "content");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("guest file path must be absolute: " + path);
    }
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GuestFile f && path.equals(f.path) && Arrays.equals(content, f.content)
        && mode == f.mode && uid == f.uid && gid == f.gid;
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, Arrays.hashCode(content), mode, uid, gid);
  }

  @Override
  public String toString() {
    return "GuestFile[" + path + ", " + content.length + " bytes, mode=" + Integer.toOctalString(mode) + "]";
  }
}

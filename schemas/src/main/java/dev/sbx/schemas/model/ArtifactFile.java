package dev.sbx.schemas.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One regular file from the kit's {@code files/home/**} or {@code files/workspace/**}.
 *
 * @param target where it is written: {@code /home/agent/} or the primary workspace
 * @param relativePath '/'-separated, relative, no {@code ..}
 * @param mode permission bits from the source (0644 when the source has none)
 * @param content the bytes (after {@code ${{ kit.args }}} substitution)
 * @param sha256 lower-case hex digest of {@code content}
 */
public record ArtifactFile(
    Target target, String relativePath, int mode, byte[] content, String sha256) {
  public ArtifactFile {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(relativePath, "relativePath");
    content = content.clone();
    Objects.requireNonNull(sha256, "sha256");
  }

  public long size() {
    return content.length;
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  /** The overlay key the merge engine uses: {@code home:path} or {@code workspace:path}. */
  public String key() {
    return target.dirName() + ":" + relativePath;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArtifactFile a
        && target == a.target
        && relativePath.equals(a.relativePath)
        && mode == a.mode
        && Arrays.equals(content, a.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(target, relativePath, mode, sha256);
  }

  @Override
  public String toString() {
    return "ArtifactFile[" + key() + ", mode=" + Integer.toOctalString(mode) + ", size="
        + content.length + "]";
  }

  /** {@code files/home} or {@code files/workspace}. */
  public enum Target {
    HOME("home"),
    WORKSPACE("workspace");

    private final String dirName;

    Target(String dirName) {
      this.dirName = dirName;
    }

    public String dirName() {
      return dirName;
    }
  }
}

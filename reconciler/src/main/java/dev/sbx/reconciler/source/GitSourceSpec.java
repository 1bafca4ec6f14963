package dev.sbx.reconciler.source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One git source: repository {@code url} (https, ssh, {@code git@host:path} or file), the {@code
 * ref} to follow, the {@code subdirectory} holding the manifests ({@code ""} for the root), the poll
 * {@code interval} (±10 % jitter), the {@code retry} backoff after failed fetches, and the {@code
 * workDir} it owns (a cache repository and the checked-out revision).
 */
public record GitSourceSpec(
    String url, GitRef ref, String subdirectory, Duration interval, Backoff retry, Path workDir, Duration timeout) {
  public GitSourceSpec {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ref, "ref");
    subdirectory = subdirectory == null ? "" : subdirectory.replaceAll("^/+|/+$", "");
    if (subdirectory.contains("..")) {
      throw new IllegalArgumentException("a source subdirectory stays inside the repository: " + subdirectory);
    }
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** Poll every {@code interval}; failures retried from 1 s doubling up to the interval; 60 s network timeout. */
  public static GitSourceSpec of(String url, GitRef ref, String subdirectory, Duration interval, Path workDir) {
    Duration first = Duration.ofSeconds(1).compareTo(interval) < 0 ? Duration.ofSeconds(1) : interval;
    return new GitSourceSpec(url, ref, subdirectory, interval, new Backoff(first, interval, 2, 0.2), workDir,
        Duration.ofSeconds(60));
  }

  /** {@code git:URL#REF[//SUBDIR]}, the URL without user info. */
  public String id() {
    return "git:" + RepositoryUrls.redact(url) + "#" + ref.display() + (subdirectory.isEmpty() ? "" : "//" + subdirectory);
  }
}

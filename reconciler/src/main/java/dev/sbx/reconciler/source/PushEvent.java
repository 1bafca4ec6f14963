package dev.sbx.reconciler.source;

import java.util.List;
import java.util.Objects;

/**
 * A push as a webhook reported it: the repository's URLs (clone, ssh, web; any may match a
 * source), the full ref pushed ({@code refs/heads/main}) and the new commit ({@code after}).
 */
public record PushEvent(List<String> repositoryUrls, String ref, String after) {
  public PushEvent {
    repositoryUrls = List.copyOf(repositoryUrls);
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(after, "after");
  }

  /** True when {@code source} follows this repository and ref. */
  public boolean concerns(Source source) {
    return repositoryUrls.stream().anyMatch(url -> source.matches(url, ref));
  }
}

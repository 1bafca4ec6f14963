package dev.sbx.reconciler.desired;

import java.util.Objects;

/**
 * Which source a desired state came from and at which revision. {@code id} is stable for the
 * source ({@code dir:/srv/gitops}, {@code git:https://github.com/org/repo.git#main}); it is the
 * owner label of the VMs created for it and the key that scopes pruning. {@code revision} is a
 * commit id or a content digest.
 */
public record SourceRef(String id, String revision) {
  public SourceRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(revision, "revision");
    if (id.isBlank()) {
      throw new IllegalArgumentException("source id must not be blank");
    }
  }
}

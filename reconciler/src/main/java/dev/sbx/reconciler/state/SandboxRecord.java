package dev.sbx.reconciler.state;

import dev.sbx.reconciler.desired.DesiredSandbox;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What sbx remembers about one sandbox it manages: the inventory entry that makes pruning safe.
 * {@code source} is the owning source id; {@code createdBySbx} is true when sbx created the VM (only
 * those are ever pruned). {@code applied} is the last desired sandbox applied completely (its hashes
 * tell drift from change); it is empty while a create is in progress, so a crash mid-create still
 * leaves the sandbox in the inventory and never an orphan.
 */
public record SandboxRecord(
    String name,
    String source,
    boolean createdBySbx,
    Optional<DesiredSandbox> applied,
    String lastAppliedRevision,
    Instant updatedAt) {
  public SandboxRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(applied, "applied");
    Objects.requireNonNull(lastAppliedRevision, "lastAppliedRevision");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** Written before the first action of a create. */
  public static SandboxRecord creating(String name, String source, Instant now) {
    return new SandboxRecord(name, source, true, Optional.empty(), "", now);
  }

  public Optional<String> immutableHash() {
    return applied.map(DesiredSandbox::immutableHash);
  }

  public Optional<String> liveHash() {
    return applied.map(DesiredSandbox::liveHash);
  }

  /** True when the last change to this sandbox finished. */
  public boolean complete() {
    return applied.isPresent();
  }
}

package dev.sbx.reconciler.status;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The status of one source, like a Flux GitRepository + Kustomization pair: the revision last
 * fetched, the last applied with success, the last attempted (applied or tried), when the last
 * fetch succeeded, whether it is suspended, and its conditions. Revisions are {@code ""} before the
 * first one.
 */
public record SourceStatus(
    String sourceId,
    boolean suspended,
    String fetchedRevision,
    String lastAppliedRevision,
    String lastAttemptedRevision,
    Optional<Instant> lastFetchedAt,
    List<Condition> conditions) {

  public SourceStatus {
    Objects.requireNonNull(sourceId, "sourceId");
    Objects.requireNonNull(fetchedRevision, "fetchedRevision");
    Objects.requireNonNull(lastAppliedRevision, "lastAppliedRevision");
    Objects.requireNonNull(lastAttemptedRevision, "lastAttemptedRevision");
    Objects.requireNonNull(lastFetchedAt, "lastFetchedAt");
    conditions = List.copyOf(conditions);
  }

  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
  }

  public boolean ready() {
    return condition(Condition.READY).map(Condition::isTrue).orElse(false);
  }

  public boolean stalled() {
    return condition(Condition.STALLED).map(Condition::isTrue).orElse(false);
  }
}

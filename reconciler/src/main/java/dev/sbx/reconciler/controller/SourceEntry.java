package dev.sbx.reconciler.controller;

import dev.sbx.reconciler.source.Source;
import dev.sbx.reconciler.source.SourceSnapshot;
import dev.sbx.reconciler.status.Condition;
import dev.sbx.reconciler.status.SourceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One source as the controller holds it: the source, its retry state (consecutive failures) and
 * its status fields. (The last good snapshot is the source's business: it is never re-applied
 * after a failed fetch, since a vanished directory would read as "no sandboxes".) Guarded by its own monitor; the controller's worker
 * holding the key is the only writer of the reconcile fields.
 */
final class SourceEntry {
  final Source source;
  private boolean suspended;
  private int failures;
  private String fetchedRevision = "";
  private String lastAppliedRevision = "";
  private String lastAttemptedRevision = "";
  private Instant lastFetchedAt;
  private final Map<String, Condition> conditions = new LinkedHashMap<>();

  SourceEntry(Source source, Instant now) {
    this.source = source;
    conditions.put(Condition.READY,
        new Condition(Condition.READY, Condition.Status.UNKNOWN, "Progressing", "not reconciled yet", now));
  }

  synchronized boolean suspended() {
    return suspended;
  }

  synchronized void suspended(boolean value) {
    suspended = value;
  }

  synchronized int failures() {
    return failures;
  }

  synchronized int failed() {
    return ++failures;
  }

  synchronized void succeeded() {
    failures = 0;
  }

  /** Records a fetch; true when the revision differs from the one fetched before. */
  synchronized boolean fetched(SourceSnapshot snapshot) {
    boolean changed = !snapshot.revision().equals(fetchedRevision);
    fetchedRevision = snapshot.revision();
    lastFetchedAt = snapshot.fetchedAt();
    return changed;
  }

  synchronized void attempted(String revision) {
    lastAttemptedRevision = revision;
  }

  synchronized void applied(String revision) {
    lastAttemptedRevision = revision;
    lastAppliedRevision = revision;
  }

  synchronized String lastAppliedRevision() {
    return lastAppliedRevision;
  }

  /** Sets a condition; tells {@code changed} when its status or reason changed. */
  synchronized void set(String type, Condition.Status status, String reason, String message, Instant now,
      Consumer<Condition> changed) {
    Condition old = conditions.get(type);
    boolean transition = old == null || old.status() != status;
    Instant since = transition ? now : old.lastTransitionTime();
    Condition c = new Condition(type, status, reason, message, since);
    conditions.put(type, c);
    if (old == null || old.status() != status || !old.reason().equals(reason)) {
      changed.accept(c);
    }
  }

  /** Drops an abnormal-true condition (Reconciling, Stalled) that is no longer true. */
  synchronized void clear(String type, Instant now, Consumer<Condition> changed) {
    Condition old = conditions.remove(type);
    if (old != null) {
      changed.accept(new Condition(type, Condition.Status.FALSE, old.reason(), "", now));
    }
  }

  synchronized SourceStatus status() {
    return new SourceStatus(source.id(), suspended, fetchedRevision, lastAppliedRevision, lastAttemptedRevision,
        Optional.ofNullable(lastFetchedAt), new ArrayList<>(conditions.values()));
  }

  synchronized List<Condition> conditions() {
    return List.copyOf(conditions.values());
  }
}

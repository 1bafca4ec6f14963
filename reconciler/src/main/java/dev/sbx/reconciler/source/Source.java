package dev.sbx.reconciler.source;

import java.time.Duration;

/**
 * Where desired state comes from: a local directory or a git repository. The controller owns the
 * loop: it calls {@link #fetch()} from one thread at a time, asks {@link #nextFetchIn()} when to
 * come back, and is told through {@link #watch} when the source knows it changed (a file event).
 * Implementations keep their last good snapshot when a fetch fails.
 */
public interface Source extends AutoCloseable {

  /** Stable id: {@code dir:/srv/gitops}, {@code git:https://github.com/org/repo.git#main}. Owner label of its VMs. */
  String id();

  /** Fetches now and returns the snapshot to reconcile; throws when the source cannot be read. */
  SourceSnapshot fetch() throws SourceException;

  /** When to fetch again after the last fetch: the poll interval with jitter, or a backoff after failures. */
  Duration nextFetchIn();

  /** True when a push for {@code repositoryUrl} (as a webhook names it) concerns this source. */
  default boolean matches(String repositoryUrl, String ref) {
    return false;
  }

  /** Starts telling {@code changed} when the source changed (a directory watcher); a no-op for polled sources. */
  default void watch(Runnable changed) {}

  @Override
  default void close() {}
}

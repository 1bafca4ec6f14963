package dev.sbx.reconciler.daemon;

import java.util.Objects;

/**
 * One {@code sbx plan|diff|apply -f DIR} call, as the CLI sends it.
 *
 * @param dir absolute path of the directory (or file) to load
 * @param json print the plan as the stable {@code -o json} format instead of the human form
 * @param exitCode {@code diff --exit-code}: changes or drift give exit code 1
 * @param dryRun {@code apply --dry-run}: plan only
 * @param kitAllows {@code allow | intersect | ignore}
 */
public record ReconcileRequest(String dir, boolean prune, boolean allowEmptySource, boolean json,
    boolean exitCode, boolean dryRun, String kitAllows) {
  public ReconcileRequest {
    Objects.requireNonNull(dir, "dir");
    kitAllows = kitAllows == null ? "allow" : kitAllows;
  }
}

package dev.sbx.reconciler.plan;

import dev.sbx.reconciler.desired.SourceRef;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The output of diff: ordered changes (deletes, replaces, updates, creates, then no-ops; by name
 * within each), warnings, and the fingerprints a saved plan is checked against before it is
 * applied: {@code desiredFingerprint} (what was wanted) and {@code observedFingerprint} (the world
 * and the inventory as observed when planning).
 */
public record Plan(
    int formatVersion,
    SourceRef source,
    String desiredFingerprint,
    String observedFingerprint,
    PlanOptions options,
    List<Change> changes,
    List<PlanWarning> warnings) {

  public static final int FORMAT_VERSION = 1;

  public Plan {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(desiredFingerprint, "desiredFingerprint");
    Objects.requireNonNull(observedFingerprint, "observedFingerprint");
    Objects.requireNonNull(options, "options");
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
  }

  /** True when applying would change the world. */
  public boolean hasChanges() {
    return changes.stream().anyMatch(c -> c.kind() != ChangeKind.NO_OP);
  }

  /** True when something changed outside sbx (corrected or only reported). */
  public boolean hasDrift() {
    return changes.stream().anyMatch(Change::drift);
  }

  /** In sync: no change and no reported drift (what {@code sbx diff --exit-code} tests). */
  public boolean inSync() {
    return !hasChanges() && !hasDrift();
  }

  public Map<ChangeKind, Integer> counts() {
    Map<ChangeKind, Integer> counts = new EnumMap<>(ChangeKind.class);
    for (ChangeKind k : ChangeKind.values()) {
      counts.put(k, 0);
    }
    changes.forEach(c -> counts.merge(c.kind(), 1, Integer::sum));
    return counts;
  }
}

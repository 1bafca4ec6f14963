package dev.sbx.reconciler.plan;

/**
 * Planning switches. {@code prune}: delete recorded sandboxes that left the source ({@code
 * --prune}). {@code allowEmptySource}: allow pruning when the source has no sandboxes at all
 * (otherwise refused: a source that suddenly comes back empty is more often broken than meant).
 */
public record PlanOptions(boolean prune, boolean allowEmptySource) {
  public static PlanOptions defaults() {
    return new PlanOptions(false, false);
  }

  public static PlanOptions pruning() {
    return new PlanOptions(true, false);
  }
}

package dev.sbx.reconciler.merge;

import java.util.Locale;

/**
 * What a NetworkPolicy lets kits do with egress: whether the {@code permissions.network.allow}
 * of the stacked kits may widen egress beyond the policy. Kit denies always apply.
 */
public enum KitAllows {
  /** Kit allows apply on top of the policy (Docker Sandboxes' default). */
  ALLOW,
  /** A kit allow applies only where a policy allow covers it (kits can narrow, never widen). */
  INTERSECT,
  /** Kit allows are inactive (as under Docker's org governance); only the policy allows. */
  IGNORE;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

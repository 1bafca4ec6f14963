package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.NetworkPolicyManifest.DefaultMode;
import java.util.List;

/**
 * What a sandbox may reach: its stack's network rules constrained by its NetworkPolicy.
 *
 * <p>At request time (the egress module): a host matched by any {@link #deny()} rule is refused,
 * whatever allows it; otherwise {@code allow-all} permits it, {@code balanced} permits the
 * baseline list plus the active {@link #allow()} rules, {@code deny-all} only the active allows.
 *
 * @param policy the NetworkPolicy's name and where it is; null = none named (the installation
 *     default applies, kit rules as they are)
 * @param mode {@code spec.default}; null when no policy is named
 * @param kitAllows how the policy treats kit allows
 * @param allow policy allows, then kit allows, sorted by rule, inactive ones included
 * @param deny policy denies and kit denies, sorted by rule; always active
 */
public record EffectiveEgress(
    Provenanced<String> policy,
    Provenanced<DefaultMode> mode,
    KitAllows kitAllows,
    List<EgressRule> allow,
    List<EgressRule> deny) {
  public EffectiveEgress {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }

  /** The allow rules the proxy enforces. */
  public List<String> activeAllows() {
    return allow.stream().filter(EgressRule::active).map(EgressRule::pattern).toList();
  }

  /** The deny rules the proxy enforces (all of them). */
  public List<String> denies() {
    return deny.stream().map(EgressRule::pattern).toList();
  }
}

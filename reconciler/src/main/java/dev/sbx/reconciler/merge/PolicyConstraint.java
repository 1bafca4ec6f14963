package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.LoadedManifest;
import dev.sbx.schemas.model.NetworkPolicyManifest;
import dev.sbx.schemas.model.NetworkPolicyManifest.DefaultMode;
import dev.sbx.schemas.model.Positions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies a NetworkPolicy to a stack's network rules. A policy is a constraint, never a layer:
 * its denies join the kits' denies (deny always wins), its allows are added, and {@link
 * KitAllows} says whether the kits' allows may widen egress beyond the policy. Pure.
 */
public final class PolicyConstraint {
  private PolicyConstraint() {}

  /**
   * @param kit the merged stack
   * @param policy the sandbox's NetworkPolicy document; null = none named
   * @param kitAllows how kit allows are treated (only meaningful with a policy)
   */
  public static EffectiveEgress apply(EffectiveKit kit, LoadedManifest policy,
      KitAllows kitAllows) {
    NetworkPolicyManifest p = policy == null ? null
        : (NetworkPolicyManifest) policy.manifest();
    KitAllows mode = p == null ? KitAllows.ALLOW : kitAllows;

    Map<String, Provenanced<String>> deny = new TreeMap<>();
    Map<String, Provenanced<String>> policyAllow = new TreeMap<>();
    if (p != null) {
      addAll(deny, p.deny(), policy, "/spec/deny");
      addAll(policyAllow, p.allow(), policy, "/spec/allow");
    }
    for (Provenanced<String> d : kit.deny()) {
      merge(deny, d);
    }
    List<HostPattern> policyPatterns = policyAllow.keySet().stream().map(HostPattern::parse)
        .toList();

    Map<String, EgressRule> allow = new TreeMap<>();
    policyAllow.forEach((rule, prov) -> allow.put(rule, new EgressRule(prov, true, null)));
    for (Provenanced<String> a : kit.allow()) {
      EgressRule existing = allow.get(a.value());
      if (existing != null) {
        Provenanced<String> merged = existing.rule();
        merged = merged.alsoDeclaredAt(a.origin());
        for (Origin o : a.overridden()) {
          merged = merged.alsoDeclaredAt(o);
        }
        allow.put(a.value(), new EgressRule(merged, existing.active(), existing.note()));
        continue;
      }
      allow.put(a.value(), switch (mode) {
        case ALLOW -> new EgressRule(a, true, null);
        case IGNORE -> new EgressRule(a, false, "inactive: " + policyName(policy)
            + " ignores kit allows (kitAllows: ignore)");
        case INTERSECT -> within(a.value(), policyPatterns, p.defaultMode())
            ? new EgressRule(a, true, null)
            : new EgressRule(a, false, "inactive: outside the allows of " + policyName(policy)
                + " (kitAllows: intersect)");
      });
    }

    List<HostPattern> denyPatterns = deny.keySet().stream().map(HostPattern::parse).toList();
    List<String> denyRules = List.copyOf(deny.keySet());
    List<EgressRule> allowRules = new ArrayList<>();
    for (EgressRule r : allow.values()) {
      String shadow = null;
      HostPattern pattern = HostPattern.parse(r.pattern());
      for (int i = 0; i < denyPatterns.size(); i++) {
        if (denyPatterns.get(i).covers(pattern)) {
          shadow = "never used: denied by " + denyRules.get(i) + " from "
              + deny.get(denyRules.get(i)).origin();
          break;
        }
      }
      allowRules.add(shadow == null || r.note() != null ? r
          : new EgressRule(r.rule(), r.active(), shadow));
    }
    List<EgressRule> denyList = deny.values().stream()
        .map(d -> new EgressRule(d, true, null)).toList();
    Provenanced<String> name = p == null ? null
        : Provenanced.of(p.name(), Origin.of(policy, "/metadata/name"));
    Provenanced<DefaultMode> defaultMode = p == null ? null
        : Provenanced.of(p.defaultMode(), Origin.of(policy, "/spec/default"));
    return new EffectiveEgress(name, defaultMode, mode, allowRules, denyList);
  }

  private static boolean within(String rule, List<HostPattern> policyAllows, DefaultMode mode) {
    if (mode == DefaultMode.ALLOW_ALL) {
      return true;
    }
    HostPattern kitRule = HostPattern.parse(rule);
    return policyAllows.stream().anyMatch(p -> p.covers(kitRule));
  }

  private static void addAll(Map<String, Provenanced<String>> into, List<String> rules,
      LoadedManifest policy, String pointer) {
    for (int i = 0; i < rules.size(); i++) {
      merge(into, Provenanced.of(Fold.canonicalRule(rules.get(i)),
          Origin.of(policy, Positions.child(pointer, i))));
    }
  }

  private static void merge(Map<String, Provenanced<String>> into, Provenanced<String> rule) {
    Provenanced<String> earlier = into.get(rule.value());
    if (earlier == null) {
      into.put(rule.value(), rule);
      return;
    }
    Provenanced<String> merged = earlier.alsoDeclaredAt(rule.origin());
    for (Origin o : rule.overridden()) {
      merged = merged.alsoDeclaredAt(o);
    }
    into.put(rule.value(), merged);
  }

  private static String policyName(LoadedManifest policy) {
    return "policy " + policy.manifest().name();
  }
}

package dev.sbx.reconciler.actuator.real;

import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.Rule;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.EgressRules;
import dev.sbx.reconciler.desired.EgressSpec;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link EgressRules} port on the real Netty proxy. Observation reads the proxy's rule table
 * every time. The proxy keeps rules canonicalised, so the spelling written in a manifest is
 * remembered beside the rule set it became: while the proxy still enforces exactly that set the
 * written spelling is reported, and anything else (a rule added by hand) is reported as the proxy
 * spells it, which is drift.
 */
public final class ProxyEgressRules implements EgressRules {
  private final EgressProxy proxy;
  private final Map<String, Applied> applied = new ConcurrentHashMap<>();

  private record Applied(EgressSpec spec, RuleSet rules) {}

  public ProxyEgressRules(EgressProxy proxy) {
    this.proxy = Objects.requireNonNull(proxy, "proxy");
  }

  @Override
  public Map<String, EgressSpec> enforced() {
    Map<String, EgressSpec> out = new TreeMap<>();
    for (SandboxId id : proxy.sandboxes()) {
      proxy.rules(id).ifPresent(rules -> out.put(id.value(), spec(id.value(), rules)));
    }
    return out;
  }

  private EgressSpec spec(String sandbox, RuleSet rules) {
    Applied a = applied.get(sandbox);
    if (a != null && a.rules().equals(rules)) {
      return a.spec();
    }
    return new EgressSpec(rules.mode().text(), rules.allow().stream().map(Rule::toString).toList(),
        rules.deny().stream().map(Rule::toString).toList());
  }

  @Override
  public void set(String sandbox, EgressSpec spec) {
    RuleSet rules = toRuleSet(spec);
    proxy.setRules(SandboxId.of(sandbox), rules);
    applied.put(sandbox, new Applied(spec, rules));
  }

  /** Parses a spec the way the proxy will enforce it; a bad rule is a permanent failure. */
  public static RuleSet toRuleSet(EgressSpec spec) {
    try {
      return RuleSet.of(Mode.parse(spec.defaultMode()), spec.allow(), spec.deny());
    } catch (IllegalArgumentException e) {
      throw new ActuatorException(ActuatorException.Kind.PERMANENT, "egress rules refused: " + e.getMessage(), e);
    }
  }

  @Override
  public void remove(String sandbox) {
    proxy.unbind(SandboxId.of(sandbox));
    applied.remove(sandbox);
  }
}

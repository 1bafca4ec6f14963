package dev.sbx.reconciler.observe;

import dev.sbx.reconciler.actuator.Actuators;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.SecretBinding;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The observe phase: reads the actual state from the actuators, every time, never from a cache. A
 * name appears when any of the three ports knows it, so orphaned rules and bindings are seen too.
 */
public final class Observer {
  private final Actuators actuators;

  public Observer(Actuators actuators) {
    this.actuators = actuators;
  }

  public ActualState observe() {
    Map<String, RuntimeSandbox> vms = new TreeMap<>();
    for (RuntimeSandbox vm : actuators.runtime().list()) {
      vms.put(vm.name(), vm);
    }
    Map<String, EgressSpec> rules = actuators.egress().enforced();
    Map<String, List<SecretBinding>> bindings = actuators.secrets().bound();
    var names = new TreeSet<String>();
    names.addAll(vms.keySet());
    names.addAll(rules.keySet());
    bindings.forEach((name, list) -> {
      if (!list.isEmpty()) {
        names.add(name);
      }
    });
    Map<String, ActualSandbox> out = new TreeMap<>();
    for (String name : names) {
      out.put(
          name,
          new ActualSandbox(
              name,
              Optional.ofNullable(vms.get(name)),
              Optional.ofNullable(rules.get(name)),
              bindings.getOrDefault(name, List.of())));
    }
    return new ActualState(out);
  }
}

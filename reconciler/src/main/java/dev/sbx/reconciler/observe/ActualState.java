package dev.sbx.reconciler.observe;

import dev.sbx.reconciler.desired.CanonicalJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The world as observed once, by sandbox name (sorted). */
public record ActualState(Map<String, ActualSandbox> sandboxes) {
  public ActualState {
    sandboxes = Collections.unmodifiableMap(new TreeMap<>(sandboxes));
  }

  public ActualSandbox get(String name) {
    ActualSandbox s = sandboxes.get(name);
    return s == null ? ActualSandbox.absent(name) : s;
  }

  /**
   * A hash of everything observed (VM owner, hash, state, live settings; rules; bindings), so that a
   * saved plan can tell whether the world changed since it was made.
   */
  public String fingerprint() {
    List<Object> items = new ArrayList<>();
    for (ActualSandbox s : sandboxes.values()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("name", s.name());
      s.vm().ifPresent(vm -> {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("owner", vm.owner());
        v.put("hash", vm.immutableHash());
        v.put("state", vm.state().name());
        v.put("env", new TreeMap<>(vm.env()));
        v.put("startup", vm.startup());
        item.put("vm", v);
      });
      s.egress().ifPresent(e -> item.put("egress", List.of(e.defaultMode(), e.allow(), e.deny())));
      List<Object> bindings = new ArrayList<>();
      s.secrets().forEach(b -> bindings.add(List.of(b.service(), b.credential(), b.domains())));
      item.put("secrets", bindings);
      items.add(item);
    }
    return CanonicalJson.hash(items);
  }
}

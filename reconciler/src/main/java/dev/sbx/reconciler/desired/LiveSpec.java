package dev.sbx.reconciler.desired;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The part of a sandbox applied in place, without rebooting the VM ({@code ~}).
 *
 * <p>Order: {@code secrets} are a set keyed by service (sorted here; one binding per service);
 * {@code env} is a map (kept sorted by key); {@code startup} keeps its order (commands run in
 * sequence). Environment values are configuration, not secrets: credentials reach a sandbox only
 * through {@code secrets}, injected by the proxy.
 */
public record LiveSpec(
    EgressSpec egress, List<SecretBinding> secrets, Map<String, String> env, List<String> startup) {

  public LiveSpec {
    Objects.requireNonNull(egress, "egress");
    List<SecretBinding> sorted = new ArrayList<>(secrets);
    sorted.sort(Comparator.comparing(SecretBinding::service));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).service().equals(sorted.get(i - 1).service())) {
        throw new IllegalArgumentException("secret service bound twice: " + sorted.get(i).service());
      }
    }
    secrets = List.copyOf(sorted);
    env = Collections.unmodifiableMap(new TreeMap<>(env));
    startup = List.copyOf(startup);
  }

  /** Field name to canonical value; the names are those used in plans. */
  public Map<String, Object> canonicalFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("egress", egress.canonical());
    List<Object> bindings = new ArrayList<>();
    secrets.forEach(b -> bindings.add(b.canonical()));
    fields.put("secrets", bindings);
    fields.put("env", new TreeMap<>(env));
    fields.put("startup", startup);
    return fields;
  }
}

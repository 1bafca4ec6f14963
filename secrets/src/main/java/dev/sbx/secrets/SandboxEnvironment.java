package dev.sbx.secrets;

import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretKind;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.ServiceDefinition;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment variables a sandbox gets for its secrets: never a value, only what the guest may
 * see. A stored service secret sets the service's variables to {@code proxy-managed} (only when a
 * secret is actually stored, so an in-VM login is not shadowed by a placeholder for nothing); a
 * custom secret sets its variable to its placeholder.
 */
public final class SandboxEnvironment {

  public static final String SENTINEL = "proxy-managed";

  private SandboxEnvironment() {}

  public static Map<String, String> forSandbox(SecretStore store, ServiceCatalog catalog, String sandbox) {
    Map<String, String> env = new TreeMap<>();
    Scope own = Scope.sandbox(sandbox);
    for (SecretEntry e : store.list()) {
      if (!(e.scope() instanceof Scope.Global) && !e.scope().equals(own)) {
        continue;
      }
      if (e.kind() == SecretKind.CUSTOM) {
        if (e.scope().equals(own) || !env.containsKey(e.envVar())) {
          env.put(e.envVar(), e.placeholder());
        }
      } else {
        catalog.find(e.name()).filter(ServiceDefinition::injectable)
            .ifPresent(s -> s.envVars().forEach(v -> env.put(v, SENTINEL)));
      }
    }
    return Map.copyOf(env);
  }
}

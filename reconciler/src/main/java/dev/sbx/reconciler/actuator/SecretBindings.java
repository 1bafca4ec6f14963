package dev.sbx.reconciler.actuator;

import dev.sbx.reconciler.desired.SecretBinding;
import java.util.List;
import java.util.Map;

/**
 * Which stored credentials each sandbox may use (the secrets module implements it). Only names and
 * domains cross this port; values stay in the secret store.
 */
public interface SecretBindings {

  /** Every sandbox's bindings; sandboxes without any may be absent. */
  Map<String, List<SecretBinding>> bound();

  default List<SecretBinding> bindings(String sandbox) {
    return bound().getOrDefault(sandbox, List.of());
  }

  /** Binds or re-binds {@code binding.service()} for the sandbox (idempotent). */
  void bind(String sandbox, SecretBinding binding);

  /** Removes the binding of {@code service}; nothing happens when there is none. */
  void unbind(String sandbox, String service);
}

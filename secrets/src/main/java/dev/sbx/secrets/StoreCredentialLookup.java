package dev.sbx.secrets;

import dev.sbx.secrets.api.Credential;
import dev.sbx.secrets.api.CredentialLookup;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretKind;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretValue;
import dev.sbx.secrets.api.ServiceBinding;
import dev.sbx.secrets.api.ServiceDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers "which credentials does sandbox S send to host H" from the store and the bindings.
 *
 * <ul>
 *   <li>Service secrets: for each {@link ServiceBinding} of the sandbox whose domains match H, the
 *       stored value (sandbox scope over global) becomes a header credential. A binding without a
 *       stored value gives nothing: the request leaves as the sandbox sent it.</li>
 *   <li>Custom secrets: each custom entry visible to the sandbox (its own over a global one of the
 *       same name) whose hosts match H becomes a placeholder credential. Another credential's
 *       placeholder is never replaced for H, so a value cannot be laundered through another
 *       credential's host.</li>
 * </ul>
 */
public final class StoreCredentialLookup implements CredentialLookup {

  private final SecretStore store;
  private final Function<String, List<ServiceBinding>> bindings;

  /**
   * @param bindings the service bindings of a sandbox (from its manifest and kits); see
   *     {@link #builtInBindings(ServiceCatalog)} for the default
   */
  public StoreCredentialLookup(SecretStore store, Function<String, List<ServiceBinding>> bindings) {
    this.store = Objects.requireNonNull(store, "store");
    this.bindings = Objects.requireNonNull(bindings, "bindings");
  }

  /** Every injectable built-in service, for every sandbox (what Docker Sandboxes does for stored secrets). */
  public static Function<String, List<ServiceBinding>> builtInBindings(ServiceCatalog catalog) {
    List<ServiceBinding> all = catalog.services().stream().filter(ServiceDefinition::injectable)
        .map(ServiceDefinition::binding).toList();
    return sandbox -> all;
  }

  @Override
  public List<Credential> forHost(String sandbox, String canonicalHost) {
    String host = HostPatterns.canonicalHost(canonicalHost);
    if (host == null) {
      return List.of();
    }
    List<Credential> out = new ArrayList<>();
    for (ServiceBinding b : bindings.apply(sandbox)) {
      if (b.headerName().isEmpty() || b.domains().stream().noneMatch(d -> matches(d, host))) {
        continue;
      }
      Optional<SecretValue> value = store.resolve(sandbox, b.service());
      value.ifPresent(v -> out.add(new Credential.Header(b.service(), b.headerName(), b.valueFormat(), v,
          b.plaintextAllowed())));
    }
    Map<String, SecretEntry> custom = new LinkedHashMap<>();
    Scope own = Scope.sandbox(sandbox);
    for (SecretEntry e : store.list()) {
      if (e.kind() != SecretKind.CUSTOM) {
        continue;
      }
      if (e.scope() instanceof Scope.Global) {
        custom.putIfAbsent(e.name(), e);
      } else if (e.scope().equals(own)) {
        custom.put(e.name(), e);
      }
    }
    for (SecretEntry e : custom.values()) {
      if (e.hosts().stream().anyMatch(p -> HostPatterns.matches(p, host))) {
        store.get(e.scope(), e.name())
            .ifPresent(v -> out.add(new Credential.Placeholder(e.name(), e.placeholder(), v, false)));
      }
    }
    return List.copyOf(out);
  }

  private static boolean matches(String domainPattern, String host) {
    try {
      return HostPatterns.matches(HostPatterns.canonicalPattern(domainPattern), host);
    } catch (RuntimeException e) {
      return false;
    }
  }
}

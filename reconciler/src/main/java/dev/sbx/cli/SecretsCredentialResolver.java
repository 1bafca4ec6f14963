package dev.sbx.cli;

import dev.sbx.egress.tls.CredentialResolver;
import dev.sbx.egress.tls.InjectedSecret;
import dev.sbx.egress.tls.Injection;
import dev.sbx.secrets.api.Credential;
import dev.sbx.secrets.api.CredentialLookup;
import dev.sbx.secrets.api.SecretValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Wiring between the secret store and the egress interceptor (which do not know each other):
 * turns the store's credentials for (sandbox, host) into injections, copying each value once into
 * the proxy's own redacting holder and wiping the intermediate copies.
 */
public final class SecretsCredentialResolver implements CredentialResolver {

  private final CredentialLookup lookup;

  public SecretsCredentialResolver(CredentialLookup lookup) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
  }

  @Override
  public List<Injection> resolve(String sandbox, String canonicalHost, int port) {
    List<Injection> out = new ArrayList<>();
    for (Credential c : lookup.forHost(sandbox, canonicalHost)) {
      InjectedSecret value = copy(c.value());
      if (c instanceof Credential.Header h) {
        out.add(new Injection.SetHeader(h.name(), h.headerName(), h.valueFormat(), value, h.plaintextAllowed()));
      } else if (c instanceof Credential.Placeholder p) {
        out.add(new Injection.ReplacePlaceholder(p.name(), p.placeholder(), value, p.plaintextAllowed()));
      }
    }
    return List.copyOf(out);
  }

  private static InjectedSecret copy(SecretValue value) {
    byte[] bytes = value.utf8();
    try {
      return InjectedSecret.ofUtf8(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      value.close();
    }
  }
}

package dev.sbx.egress.tls;

import java.util.List;

/**
 * What the interceptor asks for every request: the credentials this sandbox sends to this host.
 * Called per request, so a changed secret takes effect on the next request. Empty = not bound.
 * The reconciler implements it over the secret store.
 */
@FunctionalInterface
public interface CredentialResolver {

  /**
   * @param sandbox the sandbox, as the proxy knows it from its channel
   * @param canonicalHost the canonical CONNECT target host
   * @param port the CONNECT target port
   */
  List<Injection> resolve(String sandbox, String canonicalHost, int port);

  /** Binds nothing. */
  CredentialResolver NONE = (sandbox, host, port) -> List.of();
}

package dev.sbx.secrets.api;

import java.util.List;

/**
 * The question the egress proxy asks (through the reconciler's adapter): which credentials does
 * this sandbox send to this host? Only hosts bound to a credential get any; everything else stays
 * an opaque tunnel.
 */
public interface CredentialLookup {

  /**
   * @param sandbox the sandbox name, as known from its channel
   * @param canonicalHost the proxy's canonical host spelling (lowercase, no trailing dot, IPs normalised)
   * @return the credentials to apply, empty when the host is bound to none
   */
  List<Credential> forHost(String sandbox, String canonicalHost);
}

package dev.sbx.egress.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the minted leaf of the engine's canonical host: the interceptor creates each server
 * engine with the CONNECT target as its peer host, and this key manager uses that as the alias.
 * One TLS context then serves every host, so a new host costs one signature, not a new context.
 */
final class LeafKeyManager extends X509ExtendedKeyManager {

  private final LeafCache leaves;
  private final X509Certificate ca;
  private final PrivateKey leafKey;

  LeafKeyManager(LeafCache leaves, X509Certificate ca, PrivateKey leafKey) {
    this.leaves = leaves;
    this.ca = ca;
    this.leafKey = leafKey;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return keyType.startsWith("EC") && engine != null ? engine.getPeerHost() : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return alias == null ? null : new X509Certificate[] {leaves.leaf(alias), ca};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return alias == null ? null : leafKey;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}

package dev.sbx.egress.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS client side of an intercepted connection. The upstream certificate is verified against
 * a trust store (the JDK's by default, a test CA in tests) AND against the canonical CONNECT target
 * ({@code HTTPS} endpoint identification: DNS SAN for names, IP SAN for literals), never against a
 * Host header the sandbox wrote. SNI is the canonical host (the JDK sends none for IP literals).
 */
public final class UpstreamTls {

  private final SslContext context;

  private UpstreamTls(SslContext context) {
    this.context = context;
  }

  /** Verifies upstreams against the JDK's default trust store. */
  public static UpstreamTls systemTrust() {
    return build(null);
  }

  /** Verifies upstreams against these roots only (tests, private CAs). */
  public static UpstreamTls trusting(List<X509Certificate> roots) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate root : roots) {
        store.setCertificateEntry("root-" + i++, root);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return build(tmf);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }

  private static UpstreamTls build(TrustManagerFactory tmf) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
      if (tmf != null) {
        b.trustManager(tmf);
      }
      return new UpstreamTls(b.build());
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the upstream TLS context", e);
    }
  }

  /** A client handler that verifies the peer as {@code canonicalHost}. */
  SslHandler newHandler(ByteBufAllocator alloc, String canonicalHost, int port) {
    SslHandler handler = context.newHandler(alloc, canonicalHost, port);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    return handler;
  }
}

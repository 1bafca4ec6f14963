/**
 * TLS interception for credential injection, plugged into the proxy core as its
 * {@link dev.sbx.egress.api.TunnelInterceptor} ({@code EgressConfig.withInterceptor(new TlsInterceptor(...))}).
 *
 * <p>Only CONNECTs whose canonical target is bound to a credential ({@link
 * dev.sbx.egress.tls.CredentialResolver} returns something) are intercepted; every other tunnel
 * stays opaque. For an intercepted tunnel: {@code SniHandler} reads the real ClientHello (a named
 * SNI must be the CONNECT target, else the handshake is refused), one shared server TLS context
 * presents a leaf minted for the canonical host ({@link dev.sbx.egress.tls.LeafCache}: one shared
 * EC P-256 leaf key, SAN DNS/IP, AKI, 7-day validity, LRU of 256 hosts) signed by the
 * per-installation CA ({@link dev.sbx.egress.tls.CertificateAuthority}, {@code ca.key} 0600);
 * HTTP/1.1 requests are checked (Host and absolute-form target must name the CONNECT target, else
 * 421; upgrades 501), credentials are applied ({@code SetHeader} replaces the header,
 * {@code ReplacePlaceholder} replaces only that credential's placeholder in header values, the
 * request target and the body — bodies of requests to such hosts are buffered up to 8 MiB, larger
 * ones get 413, and Content-Length is recomputed), and the request goes over one verified TLS connection per client connection to
 * the address the core vetted ({@link dev.sbx.egress.tls.UpstreamTls}: trust store + HTTPS
 * hostname verification against the canonical target). Nothing is written upstream before that
 * verification succeeded; a failure answers 502. {@link dev.sbx.egress.tls.InterceptionListener}
 * events carry credential names and query-less paths, never values.
 *
 * <p>{@link dev.sbx.egress.tls.PlainHttpInjection} is the plain-HTTP counterpart (only credentials
 * whose binding allows plaintext); the core does not call it yet.
 */
package dev.sbx.egress.tls;

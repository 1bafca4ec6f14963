package dev.sbx.egress.tls;

/**
 * Turns a host as written by the sandbox (Host header, SNI, absolute URI) into the proxy's one
 * canonical spelling, or null when it is not a valid host. The proxy core supplies its own
 * ({@link dev.sbx.egress.api.CanonicalHost}), the default of {@link TlsInterceptor}.
 */
@FunctionalInterface
public interface HostCanonicalizer {
  String canonical(String raw);
}

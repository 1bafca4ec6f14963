package dev.sbx.egress.tls;

/**
 * Turns a host as written by the sandbox (Host header, SNI, absolute URI) into the proxy's one
 * canonical spelling, or null when it is not a valid host. The proxy core supplies its own
 * (CanonicalHost); {@link SimpleHostCanonicalizer} is the stand-alone default.
 */
@FunctionalInterface
public interface HostCanonicalizer {
  String canonical(String raw);
}

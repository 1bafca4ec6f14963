package dev.sbx.egress.tls;

import dev.sbx.egress.api.CanonicalHost;
import dev.sbx.egress.api.InvalidHostException;

/** The proxy core's one canonical spelling ({@link CanonicalHost}), for SNI and Host checks inside a tunnel. */
final class CanonicalHostCanonicalizer implements HostCanonicalizer {

  static final CanonicalHostCanonicalizer INSTANCE = new CanonicalHostCanonicalizer();

  @Override
  public String canonical(String raw) {
    try {
      return CanonicalHost.parse(raw).value();
    } catch (InvalidHostException | RuntimeException e) {
      return null;
    }
  }
}

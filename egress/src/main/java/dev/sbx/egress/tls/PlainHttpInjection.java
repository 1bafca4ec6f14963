package dev.sbx.egress.tls;

import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * Credential injection for plain-HTTP forward requests (no TLS to terminate). Off by default: only
 * credentials whose binding sets {@code plaintextAllowed} are applied; any other placeholder leaves
 * unchanged (fails closed), because on plain HTTP anyone on the path would see the real value.
 */
public final class PlainHttpInjection {

  private PlainHttpInjection() {}

  /** Applies the plaintext-allowed credentials; returns the names applied (for the log). */
  public static List<String> apply(HttpRequest request, List<Injection> injections) {
    return RequestRewriter.apply(request, injections, false);
  }
}

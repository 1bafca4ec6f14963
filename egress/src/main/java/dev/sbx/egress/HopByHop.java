package dev.sbx.egress;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Removes hop-by-hop headers (RFC 9110 §7.6.1) and every header the Connection header names,
 * plus proxy credentials and protocol upgrades (h2c smuggling), before a message crosses the
 * proxy. Transfer-Encoding stays: it frames the body we relay.
 */
final class HopByHop {
  private HopByHop() {}

  private static final List<CharSequence> ALWAYS = List.of(
      HttpHeaderNames.CONNECTION, "keep-alive", HttpHeaderNames.PROXY_AUTHORIZATION,
      HttpHeaderNames.PROXY_AUTHENTICATE, "proxy-connection", HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
      HttpHeaderNames.UPGRADE, "http2-settings");

  static void strip(HttpHeaders h) {
    for (String c : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : c.split(",")) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (!n.isEmpty() && !n.equals("transfer-encoding") && !n.equals("content-length")) {
          h.remove(n);
        }
      }
    }
    for (CharSequence name : ALWAYS) {
      h.remove(name);
    }
    // Spellings some upstreams read as the same header.
    h.remove("proxy_authorization");
    h.remove("proxy_connection");
  }
}

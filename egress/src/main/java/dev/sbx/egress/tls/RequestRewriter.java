package dev.sbx.egress.tls;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies credentials to one request head: sets configured headers and replaces placeholders in
 * header values and the request target. Only the credentials it is given are applied, so a
 * placeholder of a credential not bound to this host passes unchanged. Over plain HTTP only
 * credentials whose binding allows it are applied.
 */
final class RequestRewriter {

  private RequestRewriter() {}

  /** Applies {@code injections} to {@code request}; returns the names of the credentials applied. */
  static List<String> apply(HttpRequest request, List<Injection> injections, boolean overTls) {
    List<String> applied = new ArrayList<>();
    for (Injection injection : injections) {
      if (!overTls && !injection.plaintextAllowed()) {
        continue;
      }
      boolean changed = injection instanceof Injection.SetHeader h
          ? setHeader(request.headers(), h)
          : replacePlaceholder(request, (Injection.ReplacePlaceholder) injection);
      if (changed) {
        applied.add(injection.credentialName());
      }
    }
    return applied;
  }

  private static boolean setHeader(HttpHeaders headers, Injection.SetHeader h) {
    headers.set(h.headerName(), h.valueFormat().replace("%s", h.value().reveal()));
    return true;
  }

  private static boolean replacePlaceholder(HttpRequest request, Injection.ReplacePlaceholder p) {
    boolean changed = false;
    String placeholder = p.placeholder();
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, String> e : request.headers()) {
      if (e.getValue().contains(placeholder)) {
        names.add(e.getKey());
      }
    }
    for (String name : names) {
      List<String> values = new ArrayList<>();
      for (String v : request.headers().getAll(name)) {
        values.add(v.replace(placeholder, p.value().reveal()));
      }
      request.headers().set(name, values);
      changed = true;
    }
    if (request.uri().contains(placeholder)) {
      request.setUri(request.uri().replace(placeholder, URLEncoder.encode(p.value().reveal(), StandardCharsets.UTF_8)));
      changed = true;
    }
    return changed;
  }
}

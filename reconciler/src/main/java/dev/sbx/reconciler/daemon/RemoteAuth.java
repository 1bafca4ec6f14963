package dev.sbx.reconciler.daemon;

import java.util.Locale;
import java.util.Objects;

/**
 * Who may call the remote (TCP + TLS) API: every request carries {@code Authorization: Bearer
 * TOKEN} matching a token of {@link ApiTokens}, except the webhook routes under {@code /v1/hooks/},
 * which carry their own HMAC signature (checked by their handler) because a git host cannot send
 * a bearer token. A read-only token may only read: {@code GET} and {@code POST /v1/plan} (what
 * {@code sbx diff/plan --host} sends). The unix socket needs none of this: its 0600 mode is the
 * check.
 */
final class RemoteAuth {
  static final String HOOKS_PREFIX = "/v1/hooks/";

  /** The outcome for one request; never holds the presented token. */
  sealed interface Decision {
    /** A valid token: its name (for the log). */
    record Allowed(String tokenName) implements Decision {}

    /** A route that authenticates itself (webhooks). */
    record Exempt() implements Decision {}

    /** 401 (no or unknown token) or 403 (read-only token, writing route), with the reason. */
    record Denied(int status, String reason) implements Decision {}
  }

  private final ApiTokens tokens;

  RemoteAuth(ApiTokens tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /** True for the routes exempt from the bearer token (they check an HMAC of the body instead). */
  static boolean exemptFromToken(String path) {
    return path.startsWith(HOOKS_PREFIX) && !path.contains("..");
  }

  /** True for what a read-only token may do. */
  static boolean readOnlyAllows(String method, String path) {
    return method.equals("GET") || (method.equals("POST") && path.equals("/v1/plan"));
  }

  Decision decide(String method, String path, String authorization) {
    if (exemptFromToken(path)) {
      return new Decision.Exempt();
    }
    String token = bearer(authorization);
    if (token == null) {
      return new Decision.Denied(401, "missing bearer token (send Authorization: Bearer TOKEN; tokens are made"
          + " with 'sbx daemon token create NAME' on the daemon's host)");
    }
    var match = tokens.verify(token);
    if (match.isEmpty()) {
      return new Decision.Denied(401, "invalid bearer token (unknown or revoked)");
    }
    if (match.get().readOnly() && !readOnlyAllows(method, path)) {
      return new Decision.Denied(403, "token '" + match.get().name() + "' is read-only: " + method + " " + path
          + " is not allowed");
    }
    return new Decision.Allowed(match.get().name());
  }

  /**
   * Why an authenticated remote request is still refused, if it is: {@code /v1/plan} and
   * {@code /v1/apply} name a directory <em>on the daemon's host</em> in {@code dir}, which is for
   * the local CLI only (remotely it would let a token read any directory there); {@code sbx --host}
   * sends the compiled checkout ({@link DesiredWire}) instead.
   */
  static java.util.Optional<String> localOnly(String method, String path, String body) {
    if (method.equals("POST") && (path.equals("/v1/plan") || path.equals("/v1/apply"))) {
      tools.jackson.databind.JsonNode n;
      try {
        n = tools.jackson.databind.json.JsonMapper.shared().readTree(body);
      } catch (RuntimeException e) {
        return java.util.Optional.empty(); // the handler answers 400 for bad JSON
      }
      if (n != null && n.isObject() && !DesiredWire.carriedBy(n)) {
        return java.util.Optional.of("a directory on the daemon's host cannot be named remotely;"
            + " send the compiled checkout (sbx diff|plan|apply -f DIR --host URL does)");
      }
    }
    return java.util.Optional.empty();
  }

  /** The token of an {@code Authorization: Bearer …} header, or null. */
  static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String h = authorization.strip();
    if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String token = h.substring(7).strip();
    return token.isEmpty() ? null : token;
  }
}

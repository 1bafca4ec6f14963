package dev.sbx.reconciler.daemon;

import dev.sbx.egress.api.DecisionLog;
import dev.sbx.egress.api.DecisionRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/egress/decisions[?limit=N][&sandbox=NAME]}: the newest network decisions the
 * proxy keeps in memory (its bounded ring, {@link DecisionLog}), oldest first, for the terminal
 * dashboard's right pane. Read-only and deliberately minimal: {@code sbx policy log} (aggregated
 * counts, filters) is a separate route of the policy verbs; when both exist, this one stays as the
 * raw feed.
 *
 * <p>Answer: {@code {"available": bool, "decisions": [{time, sandbox, kind, host, port, rule,
 * decision, reason, status, bytesUp, bytesDown, durationMillis}]}}; {@code available} is false
 * when the daemon runs no egress proxy (memory actuators). Records carry no secret, path or query
 * (see {@link DecisionRecord}).
 */
final class EgressDecisionRoutes {
  static final String PATH = "/v1/egress/decisions";
  static final int DEFAULT_LIMIT = 200;
  static final int MAX_LIMIT = 10_000;
  private final Supplier<Optional<DecisionLog>> log;

  EgressDecisionRoutes(Supplier<Optional<DecisionLog>> log) {
    this.log = log;
  }

  static boolean matches(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "?");
  }

  ApiServer.Response handle(String method, String path) {
    if (!method.equals("GET")) {
      return new ApiServer.Response(405, "{\"error\":\"" + PATH + " is read-only: use GET\"}");
    }
    int limit = DEFAULT_LIMIT;
    String sandbox = null;
    int q = path.indexOf('?');
    if (q >= 0) {
      for (String pair : path.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
        if (key.equals("limit")) {
          try {
            limit = Math.max(0, Math.min(MAX_LIMIT, Integer.parseInt(value)));
          } catch (NumberFormatException e) {
            return new ApiServer.Response(400, "{\"error\":\"limit must be a number\"}");
          }
        } else if (key.equals("sandbox") && !value.isEmpty()) {
          sandbox = value;
        }
      }
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    Optional<DecisionLog> decisions = log.get();
    body.put("available", decisions.isPresent());
    ArrayNode array = body.putArray("decisions");
    if (decisions.isPresent()) {
      String only = sandbox;
      Predicate<DecisionRecord> filter = only == null ? r -> true : r -> r.sandbox().equals(only);
      List<DecisionRecord> all = decisions.get().records(filter);
      all.subList(Math.max(0, all.size() - limit), all.size()).forEach(r -> array.add(json(r)));
    }
    return new ApiServer.Response(200, body.toString());
  }

  static ObjectNode json(DecisionRecord r) {
    return JsonNodeFactory.instance.objectNode().put("time", r.time().toString()).put("sandbox", r.sandbox())
        .put("kind", r.kind()).put("host", r.host()).put("port", r.port()).put("rule", r.rule())
        .put("decision", r.decision()).put("reason", r.reason()).put("status", r.status())
        .put("bytesUp", r.bytesUp()).put("bytesDown", r.bytesDown()).put("durationMillis", r.durationMillis());
  }
}

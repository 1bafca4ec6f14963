package dev.sbx.reconciler.daemon;

import dev.sbx.egress.api.DecisionLog;
import dev.sbx.egress.api.DecisionRecord;
import dev.sbx.egress.api.DecisionSummary;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The daemon's {@code /v1/policy} routes (see docs/policy-cli.md for the JSON fields):
 *
 * <pre>
 * GET  /v1/policy[?sandbox=NAME]            {"sandboxes":[{sandbox, managedBy, source, drift, default{mode, origin, status}, rules[…]}]}
 * POST /v1/policy/allow|deny|rm {"sandbox","rules":[…]}   {"sandbox","action","changed","unchanged","managedBy","source","drift"}
 * POST /v1/policy/default {"sandbox","mode"}              same
 * GET  /v1/policy/log[?sandbox=NAME&amp;since=ISO-INSTANT] {"now", "rows":[{sandbox, host, port, rule, decision, count, lastSeen}]}
 * </pre>
 *
 * Errors answer {@code {"error","kind"}} (404 NOT_FOUND, 400 INVALID, 409 ENVIRONMENT).
 */
final class PolicyRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PolicyService policy;
  private final DecisionLog decisions;
  private final Clock clock;

  /** @param decisions the proxy's decision ring; null without a proxy (memory actuators) */
  PolicyRoutes(PolicyService policy, DecisionLog decisions, Clock clock) {
    this.policy = policy;
    this.decisions = decisions;
    this.clock = clock;
  }

  static boolean matches(String path) {
    return path.equals("/v1/policy") || path.startsWith("/v1/policy?") || path.startsWith("/v1/policy/");
  }

  ApiServer.Response handle(String method, String pathAndQuery, String body) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, String> query = query(q < 0 ? "" : pathAndQuery.substring(q + 1));
    try {
      return switch (method + " " + path) {
        case "GET /v1/policy" -> ok(list(Optional.ofNullable(query.get("sandbox"))));
        case "POST /v1/policy/allow", "POST /v1/policy/deny", "POST /v1/policy/rm" -> {
          JsonNode n = JSON.readTree(body);
          List<String> rules = new ArrayList<>();
          n.path("rules").forEach(r -> rules.add(r.asString()));
          yield ok(changed(policy.change(required(n, "sandbox"), path.substring("/v1/policy/".length()), rules)));
        }
        case "POST /v1/policy/default" -> {
          JsonNode n = JSON.readTree(body);
          yield ok(changed(policy.setDefault(required(n, "sandbox"), required(n, "mode"))));
        }
        case "GET /v1/policy/log" -> ok(log(Optional.ofNullable(query.get("sandbox")), query.get("since")));
        default -> error(new RouteError(404, null, "no such endpoint: " + method + " " + path));
      };
    } catch (RouteError e) {
      return error(e);
    }
  }

  private static String required(JsonNode n, String field) {
    if (!n.hasNonNull(field) || n.get(field).asString().isBlank()) {
      throw RouteError.invalid("missing \"" + field + "\"");
    }
    return n.get(field).asString();
  }

  private ObjectNode list(Optional<String> sandbox) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode array = out.putArray("sandboxes");
    for (PolicyService.SandboxPolicy p : policy.list(sandbox)) {
      ObjectNode s = array.addObject().put("sandbox", p.sandbox())
          .put("managedBy", p.manager().name().toLowerCase(Locale.ROOT)).put("source", p.source())
          .put("drift", p.drift());
      s.putObject("default").put("mode", p.defaultMode()).put("origin", p.defaultOrigin()).put("status", p.defaultStatus());
      ArrayNode rules = s.putArray("rules");
      for (PolicyService.RuleView r : p.rules()) {
        ObjectNode rule = rules.addObject().put("decision", r.decision()).put("rule", r.rule()).put("origin", r.origin())
            .put("status", r.status());
        rule.put("changedBy", r.changedBy());
        rule.put("changedAt", r.changedAt() == null ? null : r.changedAt().toString());
      }
    }
    return out;
  }

  private static ObjectNode changed(PolicyService.ChangeResult r) {
    ObjectNode out = JSON.createObjectNode().put("sandbox", r.sandbox()).put("action", r.action());
    r.changed().forEach(out.putArray("changed")::add);
    r.unchanged().forEach(out.putArray("unchanged")::add);
    return out.put("managedBy", r.manager().name().toLowerCase(Locale.ROOT)).put("source", r.source())
        .put("drift", r.drift());
  }

  private ObjectNode log(Optional<String> sandbox, String sinceText) {
    Instant now = clock.instant();
    ObjectNode out = JSON.createObjectNode().put("now", now.toString());
    ArrayNode rows = out.putArray("rows");
    if (decisions == null) {
      return out;
    }
    Instant since;
    try {
      since = sinceText == null || sinceText.isBlank() ? Instant.EPOCH : Instant.parse(sinceText);
    } catch (DateTimeParseException e) {
      throw RouteError.invalid("since=" + sinceText + " is not an ISO-8601 instant");
    }
    Predicate<DecisionRecord> filter = r -> !r.time().isBefore(since) && r.time().isBefore(now)
        && sandbox.map(s -> s.equals(r.sandbox())).orElse(true);
    for (DecisionSummary s : PolicyLog.aggregate(decisions.records(filter))) {
      rows.addObject().put("sandbox", s.sandbox()).put("host", s.host()).put("port", s.port()).put("rule", s.rule())
          .put("decision", s.decision()).put("count", s.count()).put("lastSeen", s.lastSeen().toString());
    }
    return out;
  }

  private static Map<String, String> query(String q) {
    Map<String, String> out = new HashMap<>();
    for (String part : q.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static ApiServer.Response ok(ObjectNode body) {
    return new ApiServer.Response(200, body.toString());
  }

  static ApiServer.Response error(RouteError e) {
    ObjectNode body = JSON.createObjectNode().put("error", e.getMessage());
    if (e.kind() != null) {
      body.put("kind", e.kind());
    }
    return new ApiServer.Response(e.status(), body.toString());
  }
}

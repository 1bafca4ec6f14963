package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.gitops.EventLog;
import dev.sbx.reconciler.gitops.GitOpsException;
import dev.sbx.reconciler.gitops.GitOpsHost;
import dev.sbx.reconciler.gitops.SourceConfig;
import dev.sbx.reconciler.source.WebhookReceiver;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The GitOps part of the local API, over {@link GitOpsHost}:
 *
 * <pre>
 * GET    /v1/sources                         [SourceConfig JSON…]      (sbx source ls)
 * POST   /v1/sources        SourceConfig JSON  the source, added or replaced (sbx source add)
 * DELETE /v1/sources/NAME[?prune=true]       {"removed","pruned":[…]} (sbx source rm)
 * POST   /v1/sources/NAME/suspend|resume     {"name","suspended"}
 * POST   /v1/sources/NAME/reconcile          {"name","requestedAt"}   (fetch now; see lastHandledAt)
 * POST   /v1/sandboxes/NAME/suspend|resume   {"sandbox","suspended"}  (sbx suspend|resume)
 * GET    /v1/status                          sources and sandboxes     (sbx status)
 * GET    /v1/events[?since=RFC3339|DURATION][&follow=false]  JSON lines, chunked (sbx events)
 * GET    /metrics                            Prometheus text
 * POST   /v1/hooks/git/NAME                  GitHub push webhook (X-Hub-Signature-256): 401 | 202
 * </pre>
 */
final class GitOpsRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HEARTBEAT_MS = 15_000;
  private final GitOpsHost host;

  GitOpsRoutes(GitOpsHost host) {
    this.host = host;
  }

  static boolean matches(String method, String path) {
    String p = stripQuery(path);
    return p.equals("/v1/sources") || p.startsWith("/v1/sources/") || p.equals("/v1/status")
        || p.equals("/v1/events") || p.equals("/metrics") || p.startsWith("/v1/hooks/git/")
        || (method.equals("POST") && p.matches("/v1/sandboxes/[^/]+/(suspend|resume)"));
  }

  ApiServer.Response handle(ApiServer.Request r) {
    String path = stripQuery(r.path());
    String query = r.path().length() > path.length() ? r.path().substring(path.length() + 1) : "";
    String[] parts = path.split("/");
    try {
      if (path.startsWith("/v1/hooks/git/") && parts.length == 5) {
        if (!r.method().equals("POST")) {
          return error(405, "POST only");
        }
        WebhookReceiver.Answer a = host.webhook(parts[4], r.body().getBytes(StandardCharsets.UTF_8),
            r.header("X-Hub-Signature-256"),
            r.header("X-GitHub-Event"));
        return new ApiServer.Response(a.status(), a.json());
      }
      switch (r.method() + " " + path) {
        case "GET /v1/status":
          return ok(host.status());
        case "GET /metrics":
          return ApiServer.Response.text(200, host.metrics(), "text/plain; version=0.0.4; charset=utf-8");
        case "GET /v1/events":
          return events(query);
        case "GET /v1/sources": {
          ArrayNode out = JSON.createArrayNode();
          host.sources().forEach(c -> out.add(configJson(c)));
          return new ApiServer.Response(200, out.toString());
        }
        case "POST /v1/sources":
          return ok(configJson(host.add(parseConfig(JSON.readTree(r.body())))));
        default:
          break;
      }
      if (path.startsWith("/v1/sources/") && parts.length == 4 && r.method().equals("DELETE")) {
        ArrayNode pruned = JSON.createArrayNode();
        host.remove(parts[3], query.contains("prune=true")).forEach(pruned::add);
        ObjectNode out = JSON.createObjectNode().put("removed", parts[3]);
        out.set("pruned", pruned);
        return ok(out);
      }
      if (path.startsWith("/v1/sources/") && parts.length == 5 && r.method().equals("POST")) {
        String name = parts[3];
        switch (parts[4]) {
          case "suspend", "resume" -> {
            host.suspend(name, parts[4].equals("suspend"));
            return ok(JSON.createObjectNode().put("name", name).put("suspended", parts[4].equals("suspend")));
          }
          case "reconcile" -> {
            Instant at = host.reconcile(name);
            return ok(JSON.createObjectNode().put("name", name).put("requestedAt", at.toString()));
          }
          default -> {
            return error(404, "no such endpoint: " + r.method() + " " + path);
          }
        }
      }
      if (path.startsWith("/v1/sandboxes/") && parts.length == 5) {
        boolean suspend = parts[4].equals("suspend");
        host.suspendSandbox(parts[3], suspend);
        return ok(JSON.createObjectNode().put("sandbox", parts[3]).put("suspended", suspend));
      }
      return error(404, "no such endpoint: " + r.method() + " " + path);
    } catch (GitOpsException e) {
      return error(e.status(), e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
  }

  private ApiServer.Response events(String query) {
    Optional<Instant> since = Optional.empty();
    boolean follow = true;
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String k = kv.substring(0, eq);
      String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      if (k.equals("since")) {
        since = Optional.of(parseSince(v));
      } else if (k.equals("follow")) {
        follow = !v.equals("false");
      }
    }
    if (!follow) {
      StringBuilder out = new StringBuilder();
      host.events().since(since.orElse(Instant.EPOCH)).forEach(e -> out.append(e.json()).append('\n'));
      return ApiServer.Response.text(200, out.toString(), "application/x-ndjson");
    }
    Optional<Instant> from = since;
    return ApiServer.Response.streaming("application/x-ndjson", sink -> {
      try (EventLog.Subscription sub = host.events().subscribe(from)) {
        while (sub.open()) {
          Optional<EventLog.Entry> e = sub.next(HEARTBEAT_MS);
          if (e.isPresent()) {
            sink.line(e.get().json());
          } else if (sub.open()) {
            sink.line(""); // a heartbeat: finds out when the client has gone
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** An RFC 3339 time, or a duration back from now ({@code 10m}, {@code 30s}). */
  static Instant parseSince(String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      Duration d = SourceConfig.parseInterval(v);
      return Instant.now().minus(d);
    }
  }

  static ObjectNode configJson(SourceConfig c) {
    ObjectNode n = JSON.createObjectNode().put("name", c.name()).put("kind", c.kind().wireName());
    if (c.kind() == SourceConfig.Kind.GIT) {
      n.put("url", c.location()).put("ref", c.ref()).put("path", c.subdirectory());
    } else {
      n.put("path", c.location());
    }
    n.put("interval", SourceConfig.formatInterval(c.interval())).put("suspended", c.suspended());
    c.secret().ifPresent(s -> n.put("secret", s));
    c.webhookSecret().ifPresent(s -> n.put("webhookSecret", s));
    return n;
  }

  /** The body of {@code POST /v1/sources}: {@code {"name","kind":"dir|git","path"|"url","ref","subdirectory","interval","secret","webhookSecret"}}. */
  static SourceConfig parseConfig(JsonNode n) {
    String name = text(n, "name");
    String kind = text(n, "kind");
    Optional<String> secret = Optional.ofNullable(n.get("secret")).filter(x -> !x.isNull()).map(JsonNode::asString);
    Optional<String> hook = Optional.ofNullable(n.get("webhookSecret")).filter(x -> !x.isNull()).map(JsonNode::asString);
    String interval = n.has("interval") && !n.get("interval").isNull() ? n.get("interval").asString() : null;
    if (kind.equals("dir")) {
      return SourceConfig.dir(name, java.nio.file.Path.of(text(n, "path")),
          interval == null ? java.time.Duration.ofMinutes(5) : SourceConfig.parseInterval(interval));
    }
    if (kind.equals("git")) {
      return SourceConfig.git(name, text(n, "url"), n.path("ref").asString("main"), n.path("subdirectory").asString(""),
          interval == null ? Duration.ofMinutes(1) : SourceConfig.parseInterval(interval), secret, hook);
    }
    throw new IllegalArgumentException("a source kind is dir or git, not '" + kind + "'");
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.asString().isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is required");
    }
    return v.asString();
  }

  private static String stripQuery(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static ApiServer.Response ok(JsonNode body) {
    return new ApiServer.Response(200, body.toString());
  }

  private static ApiServer.Response error(int status, String message) {
    return new ApiServer.Response(status, JSON.createObjectNode().put("error", message).toString());
  }
}

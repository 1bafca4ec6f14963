package dev.sbx.reconciler.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives GitHub-style push webhooks over HTTP ({@code POST /hooks/git}) and hands each push to
 * {@code onPush}, which triggers an immediate fetch of the sources it concerns and returns their
 * ids. Nothing happens before the signature is checked: a missing or wrong {@code
 * X-Hub-Signature-256} is 401, a body over {@code maxBodyBytes} is 413 (read no further), a body
 * that is not a push payload is 400, a {@code ping} event is 200, a push is 202 with the ids of
 * the sources triggered ({@code {"triggered":[...]}}).
 */
public final class WebhookReceiver implements AutoCloseable {
  public static final String PATH = "/hooks/git";
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final HttpServer server;
  private final ExecutorService executor;
  private final WebhookSignature signature;
  private final int maxBodyBytes;
  private final Function<PushEvent, List<String>> onPush;

  private WebhookReceiver(HttpServer server, ExecutorService executor, WebhookSignature signature, int maxBodyBytes,
      Function<PushEvent, List<String>> onPush) {
    this.server = server;
    this.executor = executor;
    this.signature = signature;
    this.maxBodyBytes = maxBodyBytes;
    this.onPush = onPush;
  }

  /**
   * Listens on {@code address} (port 0 picks a free one). {@code onPush} returns the ids of the
   * sources it triggered; it must not block on the fetch itself.
   */
  public static WebhookReceiver start(InetSocketAddress address, WebhookSignature signature, int maxBodyBytes,
      Function<PushEvent, List<String>> onPush) throws IOException {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(onPush, "onPush");
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    HttpServer server = HttpServer.create(address, 16);
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "sbx-webhook");
      t.setDaemon(true);
      return t;
    });
    WebhookReceiver receiver = new WebhookReceiver(server, executor, signature, maxBodyBytes, onPush);
    server.createContext(PATH, receiver::handle);
    server.setExecutor(executor);
    server.start();
    return receiver;
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "{\"error\":\"POST only\"}");
        return;
      }
      byte[] body = readLimited(exchange.getRequestBody());
      if (body == null) {
        respond(exchange, 413, "{\"error\":\"body over " + maxBodyBytes + " bytes\"}");
        return;
      }
      Answer answer = answer(signature, body, exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"),
          exchange.getRequestHeaders().getFirst("X-GitHub-Event"), onPush);
      respond(exchange, answer.status(), answer.json());
    }
  }

  /** What a webhook request gets: the HTTP status and a JSON body. */
  public record Answer(int status, String json) {}

  /**
   * The whole decision for one request whose body is already read (within the limit): the
   * signature is checked first, in constant time, and nothing else happens when it is bad (401);
   * {@code ping} is 200; a body that is not a push is 400; a push goes to {@code onPush} (202 with
   * the ids it triggered). Shared by this server and the daemon's {@code /v1/hooks/git/NAME} route.
   */
  public static Answer answer(WebhookSignature signature, byte[] body, String signatureHeader, String event,
      Function<PushEvent, List<String>> onPush) {
    if (!signature.verify(body, signatureHeader)) {
      return new Answer(401, "{\"error\":\"bad or missing X-Hub-Signature-256\"}");
    }
    if ("ping".equals(event)) {
      return new Answer(200, "{\"pong\":true}");
    }
    PushEvent push;
    try {
      push = parsePush(body);
    } catch (IllegalArgumentException | JacksonException e) {
      return new Answer(400, "{\"error\":\"not a push payload\"}");
    }
    List<String> triggered = onPush.apply(push);
    return new Answer(202, JSON.writeValueAsString(java.util.Map.of("triggered", triggered)));
  }

  /** The body, or null when it is longer than the limit (stops reading there). */
  private byte[] readLimited(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(maxBodyBytes + 1);
    return bytes.length > maxBodyBytes ? null : bytes;
  }

  static PushEvent parsePush(byte[] body) {
    JsonNode root = JSON.readTree(new String(body, StandardCharsets.UTF_8));
    JsonNode repo = root.path("repository");
    List<String> urls = new ArrayList<>();
    for (String field : List.of("clone_url", "ssh_url", "git_url", "html_url", "url")) {
      JsonNode v = repo.path(field);
      if (v.isString() && !v.asString().isBlank()) {
        urls.add(v.asString());
      }
    }
    JsonNode ref = root.path("ref");
    if (urls.isEmpty() || !ref.isString()) {
      throw new IllegalArgumentException("a push names repository.clone_url (or ssh_url, html_url) and ref");
    }
    return new PushEvent(urls, ref.asString(), root.path("after").isString() ? root.path("after").asString() : "");
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

package dev.sbx.reconciler.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook receiver over real HTTP on 127.0.0.1. */
class WebhookReceiverTest {
  static final String PUSH = """
      {"ref":"refs/heads/main","after":"0123456789012345678901234567890123456789",
       "repository":{"clone_url":"https://github.com/org/repo.git","ssh_url":"git@github.com:org/repo.git",
                     "html_url":"https://github.com/org/repo"}}""";

  final WebhookSignature signature = new WebhookSignature("s3cret".getBytes(StandardCharsets.UTF_8));
  final List<PushEvent> pushes = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  WebhookReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = WebhookReceiver.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), signature, 4096,
        push -> {
          pushes.add(push);
          return List.of("git:https://github.com/org/repo.git#main");
        });
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  HttpResponse<String> post(String body, String sig, String event) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + WebhookReceiver.PATH))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sig != null) {
      b.header("X-Hub-Signature-256", sig);
    }
    if (event != null) {
      b.header("X-GitHub-Event", event);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void goodSignatureTriggers() throws Exception {
    HttpResponse<String> r = post(PUSH, signature.sign(PUSH.getBytes(StandardCharsets.UTF_8)), "push");
    assertEquals(202, r.statusCode());
    assertTrue(r.body().contains("git:https://github.com/org/repo.git#main"), r.body());
    assertEquals(1, pushes.size());
    assertEquals("refs/heads/main", pushes.get(0).ref());
    assertEquals(3, pushes.get(0).repositoryUrls().size());
  }

  @Test
  void badMissingOrMalformedSignatureIs401AndNothingHappens() throws Exception {
    WebhookSignature other = new WebhookSignature("wrong".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, post(PUSH, other.sign(PUSH.getBytes(StandardCharsets.UTF_8)), "push").statusCode());
    assertEquals(401, post(PUSH, null, "push").statusCode());
    assertEquals(401, post(PUSH, "sha256=zz", "push").statusCode());
    assertEquals(401, post(PUSH, "sha1=" + "0".repeat(40), "push").statusCode());
    String tampered = PUSH.replace("main", "evil");
    assertEquals(401, post(tampered, signature.sign(PUSH.getBytes(StandardCharsets.UTF_8)), "push").statusCode());
    assertTrue(pushes.isEmpty());
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    String big = "{\"pad\":\"" + "x".repeat(5000) + "\"}";
    assertEquals(413, post(big, signature.sign(big.getBytes(StandardCharsets.UTF_8)), "push").statusCode());
    assertTrue(pushes.isEmpty());
  }

  @Test
  void pingAndNonPushPayloads() throws Exception {
    String ping = "{\"zen\":\"hi\"}";
    assertEquals(200, post(ping, signature.sign(ping.getBytes(StandardCharsets.UTF_8)), "ping").statusCode());
    assertEquals(400, post(ping, signature.sign(ping.getBytes(StandardCharsets.UTF_8)), "push").statusCode());
    assertTrue(pushes.isEmpty());
  }

  @Test
  void signatureIsGithubsFormat() {
    // the example from GitHub's documentation on validating webhook deliveries
    WebhookSignature docs = new WebhookSignature("It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8));
    byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    assertEquals("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", docs.sign(body));
    assertTrue(docs.verify(body, docs.sign(body)));
    assertFalse(docs.verify(body, null));
    assertFalse(docs.toString().contains("Secret"));
  }
}

package dev.sbx.egress.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on loopback with real Netty and real TLS: a sandbox client holding only placeholders,
 * the real egress proxy with the interceptor plugged in, and an HTTPS upstream with
 * its own test CA.
 */
class InterceptionIT {

  static final String TOKEN = "sk-ant-api03-REAL-token-value-0123456789";
  static final String CUSTOM_VALUE = "amp-REAL-custom-value-9876543210";
  static final String PLACEHOLDER = "sbx-cs-Q1w2E3r4T5y6U7i8O9p0AaSs";

  @TempDir static Path tmp;
  static EventLoopGroup group;
  static TestUpstream upstream;
  static CertificateAuthority interceptionCa;
  static LeafCache leaves;
  static final List<InterceptionListener.Event> events = new CopyOnWriteArrayList<>();
  static LoopbackProxy front;
  static LoopbackProxy frontWithWrongTrust;
  static List<java.security.cert.X509Certificate> clientTrust;

  static final CredentialResolver RESOLVER = (sandbox, host, port) -> switch (host) {
    case "api.test" -> List.of(
        new Injection.SetHeader("anthropic", "x-api-key", "%s", secret(TOKEN), false),
        new Injection.ReplacePlaceholder("AMP_API_KEY", PLACEHOLDER, secret(CUSTOM_VALUE), false));
    case "127.0.0.1", "wrong.test" -> List.of(new Injection.SetHeader("github", "Authorization", "token %s",
        secret(TOKEN), false));
    default -> List.of();
  };

  static InjectedSecret secret(String s) {
    return InjectedSecret.ofUtf8(s.getBytes(StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    upstream = new TestUpstream(group, tmp.resolve("upstream-ca"), List.of("api.test", "other.test", "127.0.0.1"));
    interceptionCa = CertificateAuthority.loadOrCreate(tmp.resolve("egress-ca"));
    leaves = new LeafCache(interceptionCa);
    String[] allow = {"127.0.0.1:" + upstream.port(), "api.test", "other.test", "wrong.test"};
    TlsInterceptor interceptor = new TlsInterceptor(leaves, UpstreamTls.trusting(List.of(upstream.ca.certificate())),
        RESOLVER, events::add);
    front = new LoopbackProxy("dev", interceptor, allow);
    CertificateAuthority stranger = CertificateAuthority.loadOrCreate(tmp.resolve("stranger-ca"));
    TlsInterceptor distrusting = new TlsInterceptor(leaves, UpstreamTls.trusting(List.of(stranger.certificate())),
        RESOLVER, events::add);
    frontWithWrongTrust = new LoopbackProxy("dev", distrusting, allow);
    clientTrust = List.of(interceptionCa.certificate(), upstream.ca.certificate());
  }

  @AfterAll
  static void stop() {
    front.close();
    frontWithWrongTrust.close();
    upstream.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void clear() {
    upstream.received.clear();
    events.clear();
  }

  TunnelClient connect(String authority, String sni) throws IOException {
    try {
      return TunnelClient.open(front.port(), authority, sni, clientTrust);
    } catch (IOException e) {
      try {
        Thread.sleep(300);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      throw new IOException(e.getMessage() + " events: " + events, e);
    }
  }

  String port() {
    return String.valueOf(upstream.port());
  }

  @Test
  void boundHostReceivesTheRealTokenInTheConfiguredHeader() throws Exception {
    try (TunnelClient c = connect("api.test:" + port(), "api.test")) {
      assertEquals(interceptionCa.certificate().getSubjectX500Principal(), c.peerCertificate().getIssuerX500Principal(),
          "bound host must be intercepted");
      TunnelClient.Response r = c.send("GET", "/v1/messages?key=" + PLACEHOLDER,
          Map.of("Host", "api.test:" + port(), "x-api-key", "proxy-managed", "Authorization", "Bearer " + PLACEHOLDER));
      assertEquals(200, r.status());
      TestUpstream.Received got = upstream.take();
      assertEquals(TOKEN, got.header("x-api-key"));
      assertEquals("Bearer " + CUSTOM_VALUE, got.header("Authorization"));
      assertEquals("/v1/messages?key=" + CUSTOM_VALUE, got.uri());
      // A second request on the same tunnel (keep-alive) is injected too.
      c.send("POST", "/v1/complete", Map.of("Host", "api.test:" + port(), "Content-Length", "0"));
      assertEquals(TOKEN, upstream.take().header("x-api-key"));
    }
    InterceptionListener.Forwarded f = (InterceptionListener.Forwarded) events.get(0);
    assertEquals(List.of("anthropic", "AMP_API_KEY"), f.injected());
    assertEquals("/v1/messages", f.path(), "the logged path has no query string");
    assertTrue(events.stream().noneMatch(e -> e.toString().contains(TOKEN) || e.toString().contains(CUSTOM_VALUE)));
  }

  @Test
  void placeholderSentToAnAllowedButUnboundHostArrivesUnreplaced() throws Exception {
    try (TunnelClient c = connect("other.test:" + port(), "other.test")) {
      assertEquals(upstream.ca.certificate().getSubjectX500Principal(), c.peerCertificate().getIssuerX500Principal(),
          "an unbound host stays an opaque tunnel: the client sees the upstream's own certificate");
      c.send("GET", "/", Map.of("Host", "other.test:" + port(), "Authorization", "Bearer " + PLACEHOLDER,
          "x-api-key", "proxy-managed"));
      TestUpstream.Received got = upstream.take();
      assertEquals("Bearer " + PLACEHOLDER, got.header("Authorization"));
      assertEquals("proxy-managed", got.header("x-api-key"));
    }
  }

  @Test
  void otherSpellingsOfTheBoundHostAreInterceptedAndInjected() throws Exception {
    for (String spelling : List.of("API.TEST", "api.test.", "Api.Test.")) {
      try (TunnelClient c = connect(spelling + ":" + port(), "api.test")) {
        assertEquals(interceptionCa.certificate().getSubjectX500Principal(),
            c.peerCertificate().getIssuerX500Principal(), spelling + " must not bypass interception");
        c.send("GET", "/", Map.of("Host", spelling + ":" + port(), "x-api-key", "proxy-managed"));
        TestUpstream.Received got = upstream.take();
        assertEquals(TOKEN, got.header("x-api-key"), spelling);
        assertEquals("api.test:" + port(), got.header("Host"), "upstream sees the canonical spelling");
      }
    }
  }

  @Test
  void ipSpellingsOfABoundAddressAreInterceptedAndInjected() throws Exception {
    for (String spelling : List.of("127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "[::ffff:127.0.0.1]",
        "[::FFFF:7f00:1]")) {
      try (TunnelClient c = connect(spelling + ":" + port(), null)) {
        assertEquals(interceptionCa.certificate().getSubjectX500Principal(),
            c.peerCertificate().getIssuerX500Principal(), spelling + " must not bypass interception");
        TunnelClient.Response r = c.send("GET", "/", Map.of("Host", "127.0.0.1:" + port(), "Authorization", "token proxy-managed"));
        assertEquals(200, r.status(), spelling + " " + events);
        assertEquals("token " + TOKEN, upstream.take().header("Authorization"), spelling);
      }
    }
  }

  @Test
  void innerHostNamingAnotherHostIsRefusedWith421() throws Exception {
    try (TunnelClient c = connect("api.test:" + port(), "api.test")) {
      TunnelClient.Response r = c.send("GET", "/", Map.of("Host", "other.test:" + port(), "x-api-key", "proxy-managed"));
      assertEquals(421, r.status());
    }
    try (TunnelClient c = connect("api.test:" + port(), "api.test")) {
      TunnelClient.Response r = c.send("GET", "https://other.test:" + port() + "/", Map.of("Host", "api.test:" + port()));
      assertEquals(421, r.status());
    }
    assertNull(upstream.received.poll(300, TimeUnit.MILLISECONDS), "nothing may reach the upstream");
  }

  @Test
  void sniNamingAnotherHostClosesTheTunnel() throws Exception {
    assertThrows(IOException.class, () -> TunnelClient.open(front.port(), "api.test:" + port(), "other.test", clientTrust));
    assertNull(upstream.received.poll(300, TimeUnit.MILLISECONDS));
    assertEquals(1, events.stream().filter(e -> e instanceof InterceptionListener.Refused).count(), events.toString());
  }

  @Test
  void upstreamNotTrustedGets502AndNoCredentialLeaves() throws Exception {
    try (TunnelClient c = TunnelClient.open(frontWithWrongTrust.port(), "api.test:" + port(), "api.test", clientTrust)) {
      TunnelClient.Response r = c.send("GET", "/", Map.of("Host", "api.test:" + port(), "x-api-key", "proxy-managed"));
      assertEquals(502, r.status());
      assertTrue(!r.body().contains(TOKEN));
    }
    assertNull(upstream.received.poll(300, TimeUnit.MILLISECONDS), "no request may reach an unverified upstream");
  }

  @Test
  void upstreamCertificateMustNameTheConnectTarget() throws Exception {
    // wrong.test resolves to the upstream, whose certificate does not name wrong.test.
    try (TunnelClient c = connect("wrong.test:" + port(), "wrong.test")) {
      TunnelClient.Response r;
      try {
        r = c.send("GET", "/", Map.of("Host", "wrong.test:" + port()));
      } catch (IOException e) {
        Thread.sleep(500);
        throw new AssertionError(events.toString(), e);
      }
      assertEquals(502, r.status());
    }
    assertNull(upstream.received.poll(300, TimeUnit.MILLISECONDS));
    assertTrue(events.stream().anyMatch(e -> e instanceof InterceptionListener.UpstreamFailed), events.toString());
  }

  @Test
  void placeholderInTheBodyIsReplacedAndTheLengthFixed() throws Exception {
    String json = "{\"key\":\"" + PLACEHOLDER + "\",\"other\":\"sbx-cs-NotBoundNotBoundNotBound00\",\"again\":\""
        + PLACEHOLDER + "\"}";
    String expected = json.replace(PLACEHOLDER, CUSTOM_VALUE);
    try (TunnelClient c = connect("api.test:" + port(), "api.test")) {
      TunnelClient.Response r = c.send("POST", "/v1/x", Map.of("Host", "api.test:" + port(),
          "Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
      assertEquals(200, r.status());
    }
    TestUpstream.Received got = upstream.take();
    byte[] want = expected.getBytes(StandardCharsets.UTF_8);
    assertEquals(want.length, got.bodyLength());
    assertEquals(java.util.Arrays.hashCode(want), got.bodyHash());
    assertEquals(String.valueOf(want.length), got.header("Content-Length"));
    InterceptionListener.Forwarded f = (InterceptionListener.Forwarded) events.get(0);
    assertEquals(List.of("anthropic", "AMP_API_KEY"), f.injected());
  }

  @Test
  void largeBodiesStreamBothWaysUnchanged() throws Exception {
    byte[] upload = new byte[3 << 20];
    new java.util.Random(42).nextBytes(upload);
    try (TunnelClient c = connect("api.test:" + port(), "api.test")) {
      TunnelClient.Response r = c.send("POST", "/upload", Map.of("Host", "api.test:" + port(),
          "x-api-key", "proxy-managed"), upload);
      assertEquals(200, r.status());
      TestUpstream.Received got = upstream.take();
      assertEquals(upload.length, got.bodyLength());
      assertEquals(java.util.Arrays.hashCode(upload), got.bodyHash());
      assertEquals(TOKEN, got.header("x-api-key"));
      TunnelClient.Response big = c.send("GET", "/big/" + (5 << 20), Map.of("Host", "api.test:" + port()));
      assertEquals(200, big.status());
      assertEquals(5 << 20, big.body().length());
    }
  }

  @Test
  void upgradeRequestsAreRefused() throws Exception {
    try (TunnelClient c = connect("api.test:" + port(), "api.test")) {
      TunnelClient.Response r = c.send("GET", "/ws", Map.of("Host", "api.test:" + port(), "Upgrade", "websocket",
          "Connection", "Upgrade"));
      assertEquals(501, r.status());
    }
  }
}

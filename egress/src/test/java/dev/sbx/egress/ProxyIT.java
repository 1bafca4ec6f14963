package dev.sbx.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.api.Binding;
import dev.sbx.egress.api.DecisionRecord;
import dev.sbx.egress.api.DecisionSummary;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.HostResolver;
import dev.sbx.egress.api.Limits;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's run-time behaviour over real sockets: rule swaps, listeners, limits, log. */
class ProxyIT {
  static final SandboxId ID = SandboxId.of("dev");
  static final HostResolver RESOLVER = name -> {
    if (name.equals("slow.example.com")) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (name.endsWith("example.com")) {
      return List.of(InetAddress.getByName("127.0.0.1"));
    }
    throw new UnknownHostException(name);
  };

  @TempDir Path tmp;
  RecordingUpstream origin;
  EgressProxy proxy;
  int p;

  @BeforeEach
  void start() throws IOException {
    origin = new RecordingUpstream("127.0.0.1");
    p = origin.port();
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    origin.close();
  }

  int startProxy(EgressConfig config, RuleSet rules) {
    proxy = EgressProxy.start(config.withResolver(RESOLVER).withIoThreads(2));
    proxy.restrictDials(a -> a.getAddress().isLoopbackAddress());
    proxy.setRules(ID, rules);
    Binding b = proxy.bind(ID, ListenAddress.loopback(0));
    return ((ListenAddress.Tcp) b.address()).port();
  }

  RuleSet allowOrigin(String... more) {
    List<String> rules = new java.util.ArrayList<>(List.of("127.0.0.1:" + p));
    rules.addAll(List.of(more));
    return RuleSet.allowing(rules.toArray(String[]::new));
  }

  String get(String host, String path) {
    return "GET http://" + host + ":" + p + path + " HTTP/1.1\r\nHost: " + host + ":" + p + "\r\n\r\n";
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void newRulesApplyAtOnceWhileEstablishedTunnelsContinue() throws Exception {
    int port = startProxy(EgressConfig.defaults(), allowOrigin("api.example.com"));
    try (ProxyConnection tunnel = new ProxyConnection(port); ProxyConnection http = new ProxyConnection(port)) {
      assertEquals(200, tunnel.send("CONNECT api.example.com:" + p + " HTTP/1.1\r\n\r\n").read(true).status());
      assertEquals(200, tunnel.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
      assertEquals(200, http.send(get("api.example.com", "/1")).read().status());

      proxy.setRules(ID, RuleSet.denyAll());
      assertEquals(RuleSet.denyAll(), proxy.rules(ID).orElseThrow());

      assertEquals(403, http.send(get("api.example.com", "/2")).read().status(), "same keep-alive connection");
      try (ProxyConnection fresh = new ProxyConnection(port)) {
        assertEquals(403, fresh.send("CONNECT api.example.com:" + p + " HTTP/1.1\r\n\r\n").read(true).status());
      }
      assertEquals(200, tunnel.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n").read().status(), "tunnel survives");
    }
  }

  @Test
  void unixSocketListenerIsPrivateAndCarriesTheSandboxIdentity(@TempDir Path dir) throws Exception {
    startProxy(EgressConfig.defaults(), allowOrigin("api.example.com"));
    Path sock = dir.resolve("vm-a.sock");
    SandboxId other = SandboxId.of("vm-a");
    proxy.setRules(other, allowOrigin("api.example.com"));
    proxy.bind(other, new ListenAddress.Unix(sock));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
    assertEquals(proxy.bindings(other).get(0), proxy.bind(other, new ListenAddress.Unix(sock)), "idempotent");
    assertThrows(IllegalArgumentException.class, () -> proxy.bind(ID, new ListenAddress.Unix(sock)));
    assertTrue(Files.exists(sock));
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
      ch.write(ByteBuffer.wrap(get("api.example.com", "/via-uds").getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buf = ByteBuffer.allocate(4096);
      String response = "";
      while (!response.contains("via-uds")) {
        if (ch.read(buf) < 0) {
          break;
        }
        response = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
      }
      assertTrue(response.startsWith("HTTP/1.1 200"), response);
    }
    await(() -> !proxy.decisionLog().records(r -> r.sandbox().equals("vm-a")).isEmpty(), "record for vm-a");
    proxy.unbind(other);
    assertFalse(Files.exists(sock));
    assertTrue(proxy.rules(other).isEmpty());
  }

  @Test
  void decisionLogHasOneRecordPerRequestAndNoQueryStrings() throws Exception {
    Path logFile = tmp.resolve("egress/decisions.jsonl");
    int port = startProxy(EgressConfig.defaults().withDecisionLogFile(logFile), allowOrigin("api.example.com"));
    try (ProxyConnection c = new ProxyConnection(port)) {
      assertEquals(200, c.send(get("api.example.com", "/v1?token=s3cr3t")).read().status());
      assertEquals(403, c.send(get("evil.example.com", "/x?token=s3cr3t")).read().status());
    }
    await(() -> proxy.decisionLog().records().size() == 2, "two records");
    List<DecisionRecord> rs = proxy.decisionLog().records();
    assertEquals("allow", rs.get(0).decision());
    assertEquals("api.example.com", rs.get(0).host());
    assertEquals("127.0.0.1", rs.get(0).address());
    assertEquals("api.example.com", rs.get(0).rule());
    assertEquals(200, rs.get(0).status());
    assertTrue(rs.get(0).bytesDown() > 0);
    assertEquals("deny", rs.get(1).decision());
    assertEquals("default deny", rs.get(1).rule());
    await(() -> lines(logFile).size() == 2, "two JSON lines");
    String text = Files.readString(logFile);
    assertFalse(text.contains("s3cr3t") || text.contains("token") || text.contains("/v1"), text);
    assertTrue(lines(logFile).get(0).startsWith("{\"time\":\""), text);
    assertTrue(text.contains("\"decision\":\"deny\""), text);

    List<DecisionSummary> summary = proxy.decisionLog().summary(r -> true);
    assertEquals(2, summary.size());
    assertTrue(summary.stream().allMatch(s -> s.count() == 1 && s.sandbox().equals("dev")));
  }

  static List<String> lines(Path f) {
    try {
      return Files.exists(f) ? Files.readAllLines(f) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Test
  void tunnelsPerSandboxAreLimited() throws Exception {
    int port = startProxy(EgressConfig.defaults().withLimits(Limits.defaults().withMaxTunnelsPerSandbox(1)),
        allowOrigin("api.example.com"));
    String connect = "CONNECT api.example.com:" + p + " HTTP/1.1\r\n\r\n";
    try (ProxyConnection first = new ProxyConnection(port)) {
      assertEquals(200, first.send(connect).read(true).status());
      try (ProxyConnection second = new ProxyConnection(port)) {
        ProxyConnection.Response r = second.send(connect).read(true);
        assertEquals(429, r.status());
        assertEquals("1", r.headers().get("retry-after"));
      }
    }
    await(() -> proxy.openTunnels(ID) == 0, "tunnel slot released");
    try (ProxyConnection third = new ProxyConnection(port)) {
      assertEquals(200, third.send(connect).read(true).status());
    }
  }

  @Test
  void slowRequestHeadGets408() throws Exception {
    int port = startProxy(EgressConfig.defaults().withLimits(Limits.defaults().withHandshakeTimeout(Duration.ofMillis(300))),
        allowOrigin());
    try (ProxyConnection c = new ProxyConnection(port)) {
      c.send("GET http://api.exa");
      assertEquals(408, c.read().status());
      assertTrue(c.closedByPeer());
    }
  }

  @Test
  void upstreamThatRefusesGets502AndUnknownNameGets502() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    int port = startProxy(EgressConfig.defaults(), RuleSet.allowing("127.0.0.1:" + closedPort, "**.example.com", "nx.test"));
    try (ProxyConnection c = new ProxyConnection(port)) {
      ProxyConnection.Response r = c.send("CONNECT 127.0.0.1:" + closedPort + " HTTP/1.1\r\n\r\n").read(true);
      assertEquals(502, r.status());
    }
    try (ProxyConnection c = new ProxyConnection(port)) {
      assertEquals(502, c.send("GET http://nx.test/ HTTP/1.1\r\nHost: nx.test\r\n\r\n").read().status());
    }
  }

  @Test
  void largeBodiesFlowBothWays() throws Exception {
    int port = startProxy(EgressConfig.defaults(), allowOrigin("api.example.com"));
    int size = 8 * 1024 * 1024;
    byte[] body = new byte[size];
    try (ProxyConnection c = new ProxyConnection(port)) {
      c.send(("POST http://api.example.com:" + p + "/upload HTTP/1.1\r\nHost: api.example.com:" + p
          + "\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      c.send(body);
      assertEquals(200, c.read().status());
      c.send(("POST http://api.example.com:" + p + "/chunked HTTP/1.1\r\nHost: api.example.com:" + p
          + "\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, c.read().status());
    }
    List<RecordingUpstream.Request> got = origin.requests();
    assertEquals(size, got.get(0).bodyLength());
    assertEquals(4, got.get(1).bodyLength());
  }

  @Test
  void unbindClosesTheListener() throws Exception {
    int port = startProxy(EgressConfig.defaults(), allowOrigin());
    proxy.unbind(ID);
    assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
  }

  @Test
  void standaloneServer() throws Exception {
    Path log = tmp.resolve("standalone.jsonl");
    try (EgressServer server = EgressServer.start(RuleSet.allowing("127.0.0.1:" + p), ListenAddress.loopback(0),
        EgressConfig.defaults().withDecisionLogFile(log).withIoThreads(1))) {
      int port = ((ListenAddress.Tcp) server.address()).port();
      try (ProxyConnection c = new ProxyConnection(port)) {
        assertEquals(200, c.send("GET http://127.0.0.1:" + p + "/ HTTP/1.1\r\nHost: 127.0.0.1:" + p + "\r\n\r\n").read().status());
      }
      await(() -> lines(log).size() == 1, "standalone log line");
      assertTrue(lines(log).get(0).contains("\"sandbox\":\"standalone\""));
    }
  }

  @Test
  void responsesOfEveryFramingComeBackIntact() throws Exception {
    int port = startProxy(EgressConfig.defaults(), allowOrigin("api.example.com"));
    try (ProxyConnection c = new ProxyConnection(port)) {
      ProxyConnection.Response r = c.send(get("api.example.com", "/plain")).read();
      assertEquals("upstream saw api.example.com:" + p + " /plain", r.body());
      assertFalse(r.headers().containsKey("x-hop"), "headers named in Connection are hop-by-hop");
      r = c.send(get("api.example.com", "/chunked")).read();
      assertEquals("upstream saw api.example.com:" + p + " /chunked", r.body());
      r = c.send(("HEAD http://api.example.com:" + p + "/head HTTP/1.1\r\nHost: api.example.com:" + p + "\r\n\r\n")).read(true);
      assertEquals(200, r.status());
      assertEquals("", r.body());
      r = c.send(get("api.example.com", "/after-head")).read();
      assertEquals("upstream saw api.example.com:" + p + " /after-head", r.body());
      r = c.send(get("api.example.com", "/close")).read();
      assertEquals("upstream saw api.example.com:" + p + " /close", r.body(), "close-delimited body, then EOF");
      assertEquals("close", r.headers().get("connection"));
    }
  }

  @Test
  void proxyCredentialsAndUpgradesNeverLeave() throws Exception {
    int port = startProxy(EgressConfig.defaults(), allowOrigin("api.example.com"));
    try (ProxyConnection c = new ProxyConnection(port)) {
      c.send("GET http://api.example.com:" + p + "/ HTTP/1.1\r\nHost: api.example.com:" + p + "\r\n"
          + "Proxy-Authorization: Basic c2VjcmV0\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"
          + "Connection: Upgrade, HTTP2-Settings, X-Drop\r\nX-Drop: 1\r\nX-Keep: 1\r\n\r\n");
      assertEquals(200, c.read().status());
    }
    List<String> names = origin.requests().get(0).headerNames();
    assertTrue(names.contains("x-keep"), names.toString());
    for (String gone : List.of("proxy-authorization", "upgrade", "http2-settings", "connection", "x-drop")) {
      assertFalse(names.contains(gone), gone + " reached the origin: " + names);
    }
  }

  @Test
  void expectContinueIsAnsweredAfterTheDecision() throws Exception {
    int port = startProxy(EgressConfig.defaults(), allowOrigin("api.example.com"));
    try (ProxyConnection c = new ProxyConnection(port)) {
      c.send("POST http://api.example.com:" + p + "/up HTTP/1.1\r\nHost: api.example.com:" + p
          + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertEquals(100, c.read().status());
      c.send("hello");
      assertEquals(200, c.read().status());
    }
    try (ProxyConnection c = new ProxyConnection(port)) {
      c.send("POST http://evil.example.com:" + p + "/up HTTP/1.1\r\nHost: evil.example.com:" + p
          + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertEquals(403, c.read().status());
      assertTrue(c.closedByPeer());
    }
    assertEquals(1, origin.requests().size());
  }

  @Test
  void interceptorTakesOverAllowedTunnelsItWants() throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.sbx.egress.api.TunnelInterceptor echo = new dev.sbx.egress.api.TunnelInterceptor() {
      @Override
      public boolean wants(SandboxId sandbox, dev.sbx.egress.api.Authority target) {
        return target.host().value().equals("intercepted.example.com");
      }

      @Override
      public void intercept(io.netty.channel.Channel client, SandboxId sandbox, dev.sbx.egress.api.Authority target,
          java.net.InetSocketAddress dial) {
        seen.add(sandbox + " " + target + " " + dial.getAddress().getHostAddress());
        client.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
            ctx.read();
          }
        });
        client.read();
      }
    };
    int port = startProxy(EgressConfig.defaults().withInterceptor(echo), allowOrigin("**.example.com"));
    try (ProxyConnection c = new ProxyConnection(port)) {
      assertEquals(200, c.send("CONNECT intercepted.example.com:" + p + " HTTP/1.1\r\n\r\n").read(true).status());
      c.send("HTTP/1.1 299 Echo\r\nContent-Length: 0\r\n\r\n");
      assertEquals(299, c.read().status());
    }
    assertEquals(List.of("dev intercepted.example.com:" + p + " 127.0.0.1"), seen);
    try (ProxyConnection c = new ProxyConnection(port)) {
      assertEquals(403, c.send("CONNECT intercepted.evil:" + p + " HTTP/1.1\r\n\r\n").read(true).status());
    }
    assertEquals(0, origin.connections());
  }

  @Test
  void bytesBeforeADecisionAreBounded() throws Exception {
    int port = startProxy(EgressConfig.defaults().withLimits(Limits.defaults().withMaxBufferedBytes(1024)),
        allowOrigin("**.example.com"));
    try (ProxyConnection c = new ProxyConnection(port)) {
      // Pipelined in one write, so the proxy's first read (2 KiB) holds the head and more than the
      // limit. (What the client sends later stays in the socket: no reads while deciding.)
      byte[] head = ("CONNECT slow.example.com:" + p + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] all = java.util.Arrays.copyOf(head, head.length + 4096);
      c.send(all);
      assertEquals(413, c.read(true).status());
      assertTrue(c.closedByPeer());
    }
    assertEquals(0, origin.connections());
    await(() -> proxy.decisionLog().records().size() == 1, "record of the refused tunnel");
    assertEquals("error", proxy.decisionLog().records().get(0).decision());
  }
}

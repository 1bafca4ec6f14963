package dev.sbx.reconciler.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/egress/decisions} over the real proxy: requests through a sandbox's loopback
 * listener are refused (deny-all; the resolver is the test's own, so nothing leaves the machine)
 * and the route returns them, newest last, filtered and limited.
 */
class EgressDecisionRoutesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static int connect(int port, String target) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  private static JsonNode get(EgressDecisionRoutes routes, String path) {
    ApiServer.Response r = routes.handle("GET", path);
    assertEquals(200, r.status(), r.json());
    return JSON.readTree(r.json());
  }

  @Test
  void returnsTheProxysDecisionsNewestLastFilteredAndLimited() throws Exception {
    EgressConfig config = EgressConfig.defaults().withIoThreads(1)
        .withResolver(name -> List.of(InetAddress.getLoopbackAddress()));
    try (EgressProxy proxy = EgressProxy.start(config)) {
      proxy.setRules(SandboxId.of("dev"), RuleSet.denyAll());
      proxy.setRules(SandboxId.of("web"), RuleSet.denyAll());
      int dev = ((ListenAddress.Tcp) proxy.bind(SandboxId.of("dev"), ListenAddress.loopback(0)).address()).port();
      int web = ((ListenAddress.Tcp) proxy.bind(SandboxId.of("web"), ListenAddress.loopback(0)).address()).port();
      assertEquals(403, connect(dev, "first.example.com:443"));
      assertEquals(403, connect(web, "other.example.com:8443"));
      assertEquals(403, connect(dev, "second.example.com:443"));
      EgressDecisionRoutes routes = new EgressDecisionRoutes(() -> Optional.of(proxy.decisionLog()));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      JsonNode all = get(routes, "/v1/egress/decisions");
      while (all.get("decisions").size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10); // the record is written when the refused exchange ends: bounded wait
        all = get(routes, "/v1/egress/decisions");
      }
      assertTrue(all.get("available").asBoolean());
      assertEquals(3, all.get("decisions").size(), all.toString());
      JsonNode newest = all.get("decisions").get(2);
      assertEquals("dev", newest.get("sandbox").asString());
      assertEquals("second.example.com", newest.get("host").asString());
      assertEquals(443, newest.get("port").asInt());
      assertEquals("deny", newest.get("decision").asString());
      assertFalse(newest.get("rule").asString().isEmpty(), newest.toString());
      assertEquals(403, newest.get("status").asInt());

      JsonNode onlyWeb = get(routes, "/v1/egress/decisions?sandbox=web");
      assertEquals(1, onlyWeb.get("decisions").size());
      assertEquals(8443, onlyWeb.get("decisions").get(0).get("port").asInt());
      JsonNode limited = get(routes, "/v1/egress/decisions?limit=1");
      assertEquals("second.example.com", limited.get("decisions").get(0).get("host").asString());
      assertEquals(1, limited.get("decisions").size());
    }
  }

  @Test
  void withoutAProxyItSaysSoAndItIsReadOnly() {
    EgressDecisionRoutes routes = new EgressDecisionRoutes(Optional::empty);
    JsonNode none = get(routes, "/v1/egress/decisions");
    assertFalse(none.get("available").asBoolean());
    assertEquals(0, none.get("decisions").size());
    assertEquals(405, routes.handle("POST", "/v1/egress/decisions").status());
    assertEquals(400, routes.handle("GET", "/v1/egress/decisions?limit=x").status());
    assertTrue(EgressDecisionRoutes.matches("/v1/egress/decisions?limit=3"));
    assertFalse(EgressDecisionRoutes.matches("/v1/egress/decisionsX"));
  }
}

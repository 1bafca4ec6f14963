package dev.sbx.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.egress.policy.AddressGuard;
import dev.sbx.egress.policy.EgressPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The connection pipeline on an EmbeddedChannel: answers that need no network. */
class FrontHandlerTest {
  final EgressConfig config = EgressConfig.defaults();
  final RingDecisionLog log = new RingDecisionLog(100, r -> { });

  EmbeddedChannel channel(RuleSet rules) {
    ProxyContext px = new ProxyContext(config, Transport.best(),
        new Destinations(name -> { throw new java.net.UnknownHostException(name); },
            Executors.newSingleThreadExecutor(), () -> new AddressGuard(Set.of(), Set.of()), config.limits().connectTimeout()),
        log);
    SandboxState state = new SandboxState(SandboxId.of("t"), EgressPolicy.compile(rules));
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAutoRead(false);
    new ProxyInitializer(px, state, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)).initChannel(ch);
    ch.pipeline().fireChannelActive();
    return ch;
  }

  static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      sb.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    return sb.toString();
  }

  static void send(EmbeddedChannel ch, String s) {
    ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  @Test
  void denialInDockersFormAndTheConnectionStaysUsable() {
    EmbeddedChannel ch = channel(RuleSet.denyAll());
    send(ch, "GET http://example.com/secret?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
    String out = written(ch);
    assertTrue(out.startsWith("HTTP/1.1 403 Forbidden\r\n"), out);
    assertTrue(out.endsWith("\r\n\r\nBlocked by network policy: domain example.com:80\nrule: default deny\n"
        + "detail: no matching allow rule - blocked by default deny policy\n"), out);
    assertFalse(out.contains("secret"));
    assertTrue(ch.isActive());
    send(ch, "GET http://other.example.com/ HTTP/1.1\r\nHost: other.example.com\r\n\r\n");
    assertTrue(written(ch).contains("domain other.example.com:80"));
    assertEquals(2, log.records().size());
    ch.finishAndReleaseAll();
  }

  @Test
  void deniedConnectClosesTheConnection() {
    EmbeddedChannel ch = channel(RuleSet.denyAll());
    send(ch, "CONNECT Example.COM.:443 HTTP/1.1\r\n\r\n\u0016\u0003\u0001");
    String out = written(ch);
    assertTrue(out.contains("Blocked by network policy: domain example.com:443"), out);
    assertTrue(out.contains("connection: close"), out);
    assertFalse(ch.isActive());
    ch.finishAndReleaseAll();
  }

  @Test
  void denyRuleIsNamed() {
    EmbeddedChannel ch = channel(RuleSet.of(dev.sbx.egress.api.Mode.ALLOW_ALL, java.util.List.of(),
        java.util.List.of("*.example.com:443")));
    send(ch, "CONNECT api.example.com:443 HTTP/1.1\r\n\r\n");
    String out = written(ch);
    assertTrue(out.contains("\nrule: deny *.example.com:443\ndetail: matched a deny rule\n"), out);
    ch.finishAndReleaseAll();
  }

  @Test
  void malformedRequestsGet400AndClose() {
    EmbeddedChannel ch = channel(RuleSet.allowAll());
    send(ch, "GET http://exa mple.com/ HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(written(ch).startsWith("HTTP/1.1 400"));
    assertFalse(ch.isActive());
    ch.finishAndReleaseAll();
  }

  @Test
  void garbageGets400() {
    EmbeddedChannel ch = channel(RuleSet.allowAll());
    send(ch, "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003\r\n\r\n");
    assertTrue(written(ch).startsWith("HTTP/1.1 400"));
    ch.finishAndReleaseAll();
  }

  @Test
  void unresolvableNameGets502() throws Exception {
    EmbeddedChannel ch = channel(RuleSet.allowAll());
    send(ch, "GET http://nx.example.com/ HTTP/1.1\r\nHost: nx.example.com\r\n\r\n");
    String out = "";
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (out.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
      ch.runPendingTasks();
      out = written(ch);
    }
    assertTrue(out.startsWith("HTTP/1.1 502 Bad Gateway"), out);
    assertTrue(out.contains("could not resolve nx.example.com"), out);
    ch.finishAndReleaseAll();
  }
}

package dev.sbx.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.api.Authority;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Single handlers on EmbeddedChannel. */
class HandlersTest {

  @Test
  void relayCopiesAndCounts() {
    EmbeddedChannel peer = new EmbeddedChannel();
    AtomicLong counted = new AtomicLong();
    EmbeddedChannel ch = new EmbeddedChannel(new RelayHandler(peer, counted::addAndGet));
    ch.writeInbound(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
    ByteBuf out = peer.readOutbound();
    assertEquals("hello", out.toString(StandardCharsets.US_ASCII));
    out.release();
    assertEquals(5, counted.get());
    ch.close();
    assertFalse(peer.isActive(), "closing one side closes the other");
    ch.finishAndReleaseAll();
    peer.finishAndReleaseAll();
  }

  @Test
  void idleConnectionsAreClosed() {
    EmbeddedChannel ch = new EmbeddedChannel(new TimeoutHandler(Duration.ofHours(1)));
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertFalse(ch.isActive());
    ch.finishAndReleaseAll();
  }

  @Test
  void hopByHopHeadersAndConnectionNamedOnesGo() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("Connection", "keep-alive, X-Secret-Hop");
    h.add("X-Secret-Hop", "1");
    h.add("Keep-Alive", "timeout=5");
    h.add("Proxy-Authorization", "Basic x");
    h.add("Proxy_Authorization", "Basic x");
    h.add("Upgrade", "h2c");
    h.add("TE", "trailers");
    h.add("Transfer-Encoding", "chunked");
    h.add("Accept", "*/*");
    HopByHop.strip(h);
    assertEquals(2, h.size(), h.toString());
    assertTrue(h.contains("Transfer-Encoding") && h.contains("Accept"));
  }

  @Test
  void requestCheckExtractsCanonicalTargets() {
    var r = RequestCheck.check(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        "http://API.Example.com.:8080/a?b#frag", headers("Host", "api.example.com:8080")));
    RequestCheck.Forward f = (RequestCheck.Forward) r;
    assertEquals("api.example.com:8080", f.target().toString());
    assertEquals("/a?b", f.originForm());
    var c = RequestCheck.check(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, "[::ffff:7f00:1]:443",
        headers()));
    assertEquals(new RequestCheck.Connect(authority("127.0.0.1:443")), c);
    var q = RequestCheck.check(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://example.com?x",
        headers("Host", "example.com")));
    assertEquals("/?x", ((RequestCheck.Forward) q).originForm());
    var bad = RequestCheck.check(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://example.com/",
        headers("Host", "example.com:81")));
    assertEquals(HttpResponseStatus.MISDIRECTED_REQUEST, ((RequestCheck.Reject) bad).status());
  }

  static HttpHeaders headers(String... kv) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < kv.length; i += 2) {
      h.add(kv[i], kv[i + 1]);
    }
    return h;
  }

  static Authority authority(String s) {
    try {
      return Authority.parse(s, -1);
    } catch (dev.sbx.egress.api.InvalidHostException e) {
      throw new AssertionError(e);
    }
  }
}

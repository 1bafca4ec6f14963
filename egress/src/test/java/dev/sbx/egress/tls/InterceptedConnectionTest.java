package dev.sbx.egress.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request checks of an intercepted connection, one handler in an EmbeddedChannel (no upstream is dialled). */
class InterceptedConnectionTest {

  @TempDir Path tmp;
  final List<InterceptionListener.Event> events = new ArrayList<>();
  EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    TlsInterceptor interceptor = new TlsInterceptor(new LeafCache(CertificateAuthority.loadOrCreate(tmp)),
        UpstreamTls.systemTrust(), CredentialResolver.NONE, events::add);
    channel = new EmbeddedChannel(new InterceptedConnection(
        new TlsInterceptor.Target("dev", "api.example.com", 443, new InetSocketAddress("127.0.0.1", 9)), interceptor));
  }

  int answer(String uri, String... hostHeaders) {
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    for (String h : hostHeaders) {
      req.headers().add("Host", h);
    }
    channel.writeInbound(req);
    HttpResponse response = channel.readOutbound();
    int status = response.status().code();
    channel.finishAndReleaseAll();
    return status;
  }

  @Test
  void hostNamingAnotherHostIs421() {
    assertEquals(421, answer("/", "evil.example.com"));
  }

  @Test
  void missingOrDuplicateHostIs421() {
    assertEquals(421, answer("/"));
    setUp();
    assertEquals(421, answer("/", "api.example.com", "api.example.com"));
  }

  @Test
  void absoluteFormToAnotherHostIs421() {
    assertEquals(421, answer("https://evil.example.com/x", "api.example.com"));
  }

  @Test
  void wrongPortIs421() {
    assertEquals(421, answer("/", "api.example.com:8443"));
    assertEquals(1, events.size());
  }

  @Test
  void idleConnectionIsClosed() {
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertFalse(channel.isOpen());
    channel.finishAndReleaseAll();
  }

  @Test
  void oversizedBodyToAPlaceholderHostIs413() {
    TlsInterceptor interceptor = new TlsInterceptor(new LeafCache(CertificateAuthority.loadOrCreate(tmp)),
        UpstreamTls.systemTrust(), (sandbox, host, port) -> List.of(new Injection.ReplacePlaceholder("c",
            "sbx-cs-AAAAAAAAAAAAAAAAAAAAAAAA", InjectedSecret.ofUtf8(new byte[] {'v'}), false)), events::add);
    EmbeddedChannel ch = new EmbeddedChannel(new InterceptedConnection(
        new TlsInterceptor.Target("dev", "api.example.com", 443, new InetSocketAddress("127.0.0.1", 9)), interceptor));
    io.netty.handler.codec.http.HttpRequest head =
        new io.netty.handler.codec.http.DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    head.headers().set("Host", "api.example.com");
    ch.writeInbound(head);
    ch.writeInbound(new io.netty.handler.codec.http.DefaultHttpContent(
        io.netty.buffer.Unpooled.wrappedBuffer(new byte[BodyPlaceholders.MAX_BODY + 1])));
    HttpResponse response = ch.readOutbound();
    assertEquals(413, response.status().code());
    ch.finishAndReleaseAll();
  }
}

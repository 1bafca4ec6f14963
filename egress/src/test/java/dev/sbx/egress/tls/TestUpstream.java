package dev.sbx.egress.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A loopback HTTPS server with its own test CA; records every request it receives. */
final class TestUpstream implements AutoCloseable {

  /** What the upstream saw. */
  record Received(String method, String uri, List<Map.Entry<String, String>> headers, int bodyLength, int bodyHash) {
    String header(String name) {
      return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
          .orElse(null);
    }
  }

  final CertificateAuthority ca;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final Channel server;

  TestUpstream(EventLoopGroup group, Path caDir, List<String> names) throws Exception {
    this.ca = CertificateAuthority.loadOrCreate(caDir);
    LeafMinter minter = new LeafMinter(ca);
    X509Certificate leaf = minter.mint(names);
    SslContext tls = SslContextBuilder.forServer(minter.leafKey(), leaf).sslProvider(SslProvider.JDK).build();
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(16 << 20),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    byte[] in = new byte[req.content().readableBytes()];
                    req.content().getBytes(req.content().readerIndex(), in);
                    received.add(new Received(req.method().name(), req.uri(), List.copyOf(req.headers().entries()),
                        in.length, java.util.Arrays.hashCode(in)));
                    byte[] body = req.uri().startsWith("/big/")
                        ? new byte[Integer.parseInt(req.uri().substring(5))]
                        : ("ok " + req.uri()).getBytes(StandardCharsets.UTF_8);
                    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(body));
                    resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    ctx.writeAndFlush(resp);
                  }
                });
          }
        }).bind("127.0.0.1", 0).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  Received take() throws InterruptedException {
    Received r = received.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("upstream received no request within 10 s");
    }
    return r;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }
}

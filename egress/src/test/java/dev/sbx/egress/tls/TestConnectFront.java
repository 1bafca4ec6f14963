package dev.sbx.egress.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * A minimal CONNECT front standing in for the proxy core in tests: canonicalises the target,
 * checks a fixed allowlist, resolves names from a fixed map, and either hands the tunnel to the
 * interceptor (bound hosts) or relays it opaquely — the same contract the core follows.
 */
final class TestConnectFront implements AutoCloseable {

  private final Channel server;

  TestConnectFront(EventLoopGroup group, String sandbox, TlsInterceptor interceptor, Set<String> allowed,
      Map<String, String> dns) throws InterruptedException {
    HostCanonicalizer canon = new SimpleHostCanonicalizer();
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("codec", new HttpServerCodec());
            ch.pipeline().addLast("front", new SimpleChannelInboundHandler<HttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
                if (req.method() != HttpMethod.CONNECT) {
                  answer(ctx, "405 Method Not Allowed");
                  return;
                }
                String authority = req.uri();
                int colon = authority.lastIndexOf(':');
                String host = canon.canonical(authority.substring(0, colon));
                int port = Integer.parseInt(authority.substring(colon + 1));
                if (host == null || !allowed.contains(host)) {
                  answer(ctx, "403 Forbidden");
                  return;
                }
                String ip = dns.getOrDefault(host, host);
                InetSocketAddress dial = new InetSocketAddress(ip, port);
                Channel client = ctx.channel();
                client.config().setAutoRead(false);
                client.pipeline().remove("codec");
                client.pipeline().remove("front");
                client.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 Connection Established\r\n\r\n",
                    StandardCharsets.US_ASCII)).addListener(f -> {
                      if (interceptor.wants(sandbox, host, port)) {
                        interceptor.intercept(client, sandbox, host, port, dial);
                      } else {
                        opaque(client, dial);
                      }
                    });
              }
            });
          }
        }).bind("127.0.0.1", 0).sync().channel();
  }

  private static void answer(ChannelHandlerContext ctx, String status) {
    ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
  }

  /** Byte relay both ways, like the core's opaque tunnel. */
  private static void opaque(Channel client, InetSocketAddress dial) {
    new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
        .handler(new Relay(client))
        .connect(dial).addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            client.close();
            return;
          }
          client.pipeline().addLast(new Relay(f.channel()));
          client.config().setAutoRead(true);
        });
  }

  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Relay(Channel peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf && peer.isActive()) {
        peer.writeAndFlush(msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }
}

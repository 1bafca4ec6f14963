package dev.sbx.cli;

import dev.sbx.egress.tls.SimpleHostCanonicalizer;
import dev.sbx.egress.tls.TlsInterceptor;
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
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for the egress proxy core until it is merged: CONNECT only, every *.test name resolves
 * to 127.0.0.1, bound hosts go to the interceptor and the rest is relayed opaquely.
 */
final class LoopbackConnectFront implements AutoCloseable {

  private final Channel server;

  LoopbackConnectFront(EventLoopGroup group, String sandbox, TlsInterceptor interceptor) throws InterruptedException {
    SimpleHostCanonicalizer canon = new SimpleHostCanonicalizer();
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("codec", new HttpServerCodec());
            ch.pipeline().addLast("front", new SimpleChannelInboundHandler<HttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
                int colon = req.uri().lastIndexOf(':');
                String host = canon.canonical(req.uri().substring(0, colon));
                int port = Integer.parseInt(req.uri().substring(colon + 1));
                InetSocketAddress dial = new InetSocketAddress("127.0.0.1", port);
                Channel client = ctx.channel();
                client.config().setAutoRead(false);
                client.pipeline().remove("codec");
                client.pipeline().remove("front");
                client.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 Connection Established\r\n\r\n",
                    StandardCharsets.US_ASCII)).addListener(f -> {
                      if (interceptor.wants(sandbox, host, port)) {
                        interceptor.intercept(client, sandbox, host, port, dial);
                      } else {
                        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                            .handler(new Relay(client)).connect(dial).addListener((ChannelFutureListener) up -> {
                              client.pipeline().addLast(new Relay(up.channel()));
                              client.config().setAutoRead(true);
                            });
                      }
                    });
              }
            });
          }
        }).bind("127.0.0.1", 0).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
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
  }
}

package dev.sbx.egress;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import java.net.InetSocketAddress;

/**
 * Opens upstream connections to vetted addresses, on the client connection's own event loop (so
 * both sides of an exchange run on one thread) with auto-read off.
 */
final class Dialer {
  private final ProxyContext px;

  Dialer(ProxyContext px) {
    this.px = px;
  }

  /** The last interlock; false means do not dial at all. */
  boolean allowed(InetSocketAddress address) {
    return px.dialAllowed.test(address);
  }

  /** A raw connection for a tunnel; the relay is added once the client has its 200. */
  ChannelFuture tunnel(EventLoop loop, InetSocketAddress address) {
    return base(loop).handler(new ChannelInboundHandlerAdapter()).connect(address);
  }

  /** An HTTP/1.1 client connection whose responses go to {@code handler}. */
  ChannelFuture http(EventLoop loop, InetSocketAddress address, UpstreamHttpHandler handler) {
    return base(loop)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(px.responseDecoderConfig(), false, false), handler);
          }
        })
        .connect(address);
  }

  private Bootstrap base(EventLoop loop) {
    return new Bootstrap()
        .group(loop)
        .channel(px.transport.tcpClient())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) px.limits().connectTimeout().toMillis());
  }
}

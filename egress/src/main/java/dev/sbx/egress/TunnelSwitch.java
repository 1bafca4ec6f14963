package dev.sbx.egress;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.egress.api.TunnelInterceptor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Turns a client connection whose CONNECT was allowed (and answered 200) into a tunnel: either an
 * opaque byte relay to the vetted upstream, or a hand-over to the TLS interceptor. Bytes the client
 * sent behind the CONNECT head are replayed first.
 */
final class TunnelSwitch {
  private TunnelSwitch() {}

  /** Replaces {@code front} with a relay to {@code up}; counts bytes into {@code ex}. */
  static void relay(ChannelHandlerContext ctx, ChannelHandler front, Channel up, List<ByteBuf> early, Exchange ex) {
    Channel client = ctx.channel();
    ChannelPipeline p = ctx.pipeline();
    p.remove(HttpResponseEncoder.class);
    RelayHandler.tune(client);
    RelayHandler.tune(up);
    up.pipeline().addLast(new RelayHandler(client, n -> ex.bytesDown += n));
    up.closeFuture().addListener(c -> RelayHandler.closeOnFlush(client));
    p.replace(front, "relay", new RelayHandler(up, n -> ex.bytesUp += n));
    for (ByteBuf b : early) {
      ex.bytesUp += b.readableBytes();
      up.write(b);
    }
    up.flush();
    up.read();
    client.read();
  }

  /** Empties the client pipeline and gives the connection to {@code interceptor}. */
  static void handOver(ChannelHandlerContext ctx, TunnelInterceptor interceptor, SandboxId sandbox, Authority target,
      InetSocketAddress dial, List<ByteBuf> early) {
    Channel client = ctx.channel();
    ChannelPipeline p = ctx.pipeline();
    while (p.last() != null) {
      p.removeLast();
    }
    interceptor.intercept(client, sandbox, target, dial);
    for (ByteBuf b : early) {
      p.fireChannelRead(b);
    }
  }
}

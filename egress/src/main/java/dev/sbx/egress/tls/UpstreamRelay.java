package dev.sbx.egress.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.buffer.Unpooled;

/** Relays decoded responses from the upstream to the intercepted client, with backpressure. */
final class UpstreamRelay extends ChannelInboundHandlerAdapter {

  private final Channel client;
  private final InterceptedConnection connection;

  UpstreamRelay(Channel client, InterceptedConnection connection) {
    this.client = client;
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpResponse) {
      connection.responseStarted = true;
    }
    client.write(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    client.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    client.config().setAutoRead(ctx.channel().isWritable());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Before the handshake succeeded, the connect/handshake listeners answer the client (502).
    if (connection.upstreamReady() && client.isActive()) {
      client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}

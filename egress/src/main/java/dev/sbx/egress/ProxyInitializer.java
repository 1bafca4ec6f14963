package dev.sbx.egress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Assembles the pipeline of a connection accepted on one sandbox's listener; nothing else. */
final class ProxyInitializer extends ChannelInitializer<Channel> {
  private final ProxyContext px;
  private final SandboxState sandbox;
  private final ChannelGroup connections;

  ProxyInitializer(ProxyContext px, SandboxState sandbox, ChannelGroup connections) {
    this.px = px;
    this.sandbox = sandbox;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    ch.pipeline().addLast(
        new IdleStateHandler(0, 0, px.limits().idleTimeout().toMillis(), TimeUnit.MILLISECONDS),
        new HttpRequestDecoder(px.requestDecoderConfig()),
        new HttpResponseEncoder(),
        new TimeoutHandler(px.limits().handshakeTimeout()),
        new FrontHandler(px, sandbox));
  }
}

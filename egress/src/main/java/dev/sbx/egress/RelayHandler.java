package dev.sbx.egress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongConsumer;

/**
 * Copies bytes from its channel to {@code peer}. Auto-read is off: it reads the next batch only
 * while the peer can take more (below its high water mark) and resumes when the peer drains, so
 * a slow side throttles the fast one without capping the pipe at one chunk in flight.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final LongConsumer bytes;
  private boolean waitingForPeer;

  RelayHandler(Channel peer, LongConsumer bytes) {
    this.peer = peer;
    this.bytes = bytes;
  }

  /** Tunnel-friendly buffers on both ends of a relay. */
  static void tune(Channel ch) {
    ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(128 * 1024, 512 * 1024));
    ch.config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      bytes.accept(b.readableBytes());
    }
    if (!peer.isActive()) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    peer.write(msg).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        f.channel().close();
        ctx.close();
      }
    });
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
    if (peer.isWritable()) {
      ctx.read();
    } else {
      waitingForPeer = true;
    }
  }

  /** The peer's relay calls this when the peer drained below its low water mark. */
  void peerWritable(ChannelHandlerContext ctx) {
    if (waitingForPeer) {
      waitingForPeer = false;
      ctx.read();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      RelayHandler other = peer.pipeline().get(RelayHandler.class);
      ChannelHandlerContext otherCtx = peer.pipeline().context(RelayHandler.class);
      if (other != null && otherCtx != null) {
        if (peer.eventLoop().inEventLoop()) {
          other.peerWritable(otherCtx);
        } else {
          peer.eventLoop().execute(() -> other.peerWritable(otherCtx));
        }
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}

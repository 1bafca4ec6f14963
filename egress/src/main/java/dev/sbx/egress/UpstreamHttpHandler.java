package dev.sbx.egress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The upstream side of plain-HTTP forwarding: relays one response at a time back to the client,
 * reading the next piece only after the previous one was written.
 */
final class UpstreamHttpHandler extends ChannelInboundHandlerAdapter {
  private final FrontHandler front;
  private final Channel client;
  private ChannelHandlerContext ctx;
  private Exchange exchange;
  private boolean head;
  private boolean informational;
  private boolean started;
  private boolean keepAlive;

  UpstreamHttpHandler(FrontHandler front, Channel client) {
    this.front = front;
    this.client = client;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** A request was sent; relay its response. */
  void begin(Exchange exchange, boolean head) {
    this.exchange = exchange;
    this.head = head;
    this.started = false;
    this.informational = false;
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange == null) {
      ReferenceCountUtil.release(msg); // nothing asked for it
      ctx.close();
      return;
    }
    boolean last = false;
    if (msg instanceof HttpResponse r) {
      if (r.decoderResult().isFailure() || r.status().code() == 101) {
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      int code = r.status().code();
      informational = code < 200;
      if (!informational) {
        started = true;
        exchange.status = code;
        keepAlive = HttpUtil.isKeepAlive(r);
        boolean bodiless = head || code == 204 || code == 304;
        HopByHop.strip(r.headers());
        if (!bodiless && !HttpUtil.isContentLengthSet(r) && !HttpUtil.isTransferEncodingChunked(r)) {
          front.closeAfterResponse(true); // close-delimited body: the client can only see its end by EOF
        }
        if (front.closeAfterResponse()) {
          r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
      } else {
        HopByHop.strip(r.headers());
      }
    }
    if (msg instanceof HttpContent c) {
      exchange.bytesDown += c.content().readableBytes();
      last = msg instanceof LastHttpContent;
    }
    boolean done = last && !informational;
    if (last && informational) {
      informational = false;
    }
    client.write(msg).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        ctx.close();
        return;
      }
      if (!done) {
        ctx.read();
      }
    });
    if (done) {
      client.flush();
      Exchange finished = exchange;
      exchange = null;
      if (finished != null) {
        front.responseComplete(this, keepAlive);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    client.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      front.upstreamWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    front.upstreamClosed(this, started);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}

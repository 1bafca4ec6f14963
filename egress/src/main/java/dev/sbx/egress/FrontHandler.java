package dev.sbx.egress;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.policy.Decision;
import dev.sbx.egress.policy.EgressPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The sandbox side of one proxy connection: takes each request head, checks it, asks the policy,
 * and either answers itself (403/400/502...), forwards the request (plain HTTP, one exchange at a
 * time, a fresh decision for every request on a keep-alive connection) or turns the connection
 * into a tunnel. Auto-read is off: it reads only when it can take more.
 */
final class FrontHandler extends ChannelInboundHandlerAdapter {

  private enum State { IDLE, DECIDING, BODY, AWAIT_RESPONSE, DISCARD_BODY, TUNNEL, CLOSED }

  private final ProxyContext px;
  private final SandboxState sandbox;
  private final Dialer dialer;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long queuedBytes;
  private State state = State.IDLE;
  private boolean draining;
  private boolean pendingFlush;
  private ChannelHandlerContext ctx;

  // The exchange in flight.
  private Exchange exchange;
  private HttpRequest request;
  private String originForm;
  private boolean closeAfterResponse;
  private boolean requestHasBody;
  private boolean responseDone;

  // The upstream of the last plain-HTTP exchange, reused while the target stays the same.
  private Channel upstream;
  private UpstreamHttpHandler upstreamHandler;
  private InetSocketAddress upstreamAddress;
  private Authority upstreamTarget;

  FrontHandler(ProxyContext px, SandboxState sandbox) {
    this.px = px;
    this.sandbox = sandbox;
    this.dialer = px.dialer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.CLOSED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    queue.add(msg);
    queuedBytes += size(msg);
    if (state != State.BODY && queuedBytes > px.limits().maxBufferedBytes()) {
      if (exchange != null && state != State.IDLE) {
        exchange.reason = "client sent more than " + px.limits().maxBufferedBytes() + " bytes before a decision";
      }
      fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too many bytes before the request was decided");
      return;
    }
    drain();
  }

  private void drain() {
    if (draining) {
      return; // re-entered from a handler removal inside the loop; the outer loop continues
    }
    draining = true;
    try {
      drainQueue();
    } finally {
      draining = false;
      if (pendingFlush) {
        pendingFlush = false;
        if (upstream != null) {
          upstream.flush(); // one flush per batch, not per message
        }
      }
    }
  }

  private void drainQueue() {
    while (!queue.isEmpty()) {
      Object msg = queue.peek();
      switch (state) {
        case IDLE -> {
          take();
          if (msg instanceof HttpRequest req) {
            startRequest(req);
          } else {
            ReferenceCountUtil.release(msg);
          }
        }
        case BODY -> {
          if (!upstream.isWritable()) {
            return;
          }
          take();
          if (msg instanceof HttpContent c) {
            exchange.bytesUp += c.content().readableBytes();
            boolean last = msg instanceof LastHttpContent;
            upstream.write(c).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            pendingFlush = true;
            if (last) {
              state = responseDone ? State.IDLE : State.AWAIT_RESPONSE;
              if (responseDone) {
                finishExchange();
                return;
              }
            }
          } else {
            ReferenceCountUtil.release(msg);
          }
        }
        case DISCARD_BODY -> {
          take();
          ReferenceCountUtil.release(msg);
          if (msg instanceof LastHttpContent) {
            state = State.IDLE;
          }
        }
        default -> {
          return;
        }
      }
    }
    if (state == State.IDLE || state == State.DISCARD_BODY || (state == State.BODY && upstream.isWritable())) {
      ctx.read();
    }
  }

  private Object take() {
    Object msg = queue.poll();
    queuedBytes -= size(msg);
    return msg;
  }

  // ---- one request ---------------------------------------------------------------------------

  private void startRequest(HttpRequest req) {
    exchange = new Exchange(px.config.clock().instant());
    request = req;
    responseDone = false;
    boolean connect = req.method().equals(HttpMethod.CONNECT);
    exchange.kind = connect ? "connect" : "http";
    RequestCheck.Result result = RequestCheck.check(req);
    if (result instanceof RequestCheck.Reject r) {
      exchange.reason = r.message();
      respond(Responses.error(r.status(), r.message(), true), true);
      return;
    }
    requestHasBody = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
    closeAfterResponse = !HttpUtil.isKeepAlive(req);
    Authority target;
    state = State.DECIDING;
    if (result instanceof RequestCheck.Connect c) {
      target = c.target();
      // What follows a CONNECT head is tunnel payload, not HTTP: stop parsing it. The decoder
      // hands its leftover bytes to channelRead right here (re-entrantly), so they queue.
      ctx.pipeline().remove(HttpRequestDecoder.class);
      if (state != State.DECIDING) {
        return; // those leftover bytes already exceeded the limit and closed the connection
      }
    } else {
      RequestCheck.Forward f = (RequestCheck.Forward) result;
      target = f.target();
      originForm = f.originForm();
    }
    exchange.target = target;
    EgressPolicy policy = sandbox.policy();
    Decision decision = policy.decide(target);
    exchange.rule = decision.rule();
    if (decision instanceof Decision.Deny d) {
      exchange.decided();
      deny(target, d.rule(), d.detail(), connect);
      return;
    }
    if (connect) {
      if (!sandbox.acquireTunnel(px.limits().maxTunnelsPerSandbox())) {
        exchange.reason = "too many tunnels";
        exchange.decided();
        FullHttpResponse r = Responses.error(HttpResponseStatus.TOO_MANY_REQUESTS, "too many open tunnels for this sandbox", true);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        respond(r, true);
        return;
      }
      ctx.channel().closeFuture().addListener(f -> sandbox.releaseTunnel());
    }
    CompletableFuture<Destinations.Outcome> outcome = px.destinations.resolve(target, policy);
    if (outcome.isDone()) {
      resolved(target, connect, outcome.join()); // IP literal: no DNS, no thread hop
    } else {
      outcome.whenComplete((o, err) -> ctx.executor().execute(() ->
          resolved(target, connect, o != null ? o : new Destinations.Unresolvable("could not resolve " + target.host()))));
    }
  }

  private void resolved(Authority target, boolean connect, Destinations.Outcome outcome) {
    if (state != State.DECIDING) {
      return; // the client went away meanwhile
    }
    exchange.decided();
    if (outcome instanceof Destinations.Dial d) {
      exchange.address = d.address().getAddress().getHostAddress();
      if (connect) {
        openTunnel(target, d.address());
      } else {
        forward(target, d.address());
      }
    } else if (outcome instanceof Destinations.Refused r) {
      exchange.rule = r.rule();
      String what = target.host().isIp() ? "destination is " : "destination resolves to ";
      deny(target, r.rule(), what + article(r.addressClass()) + " address", connect);
    } else {
      Destinations.Unresolvable u = (Destinations.Unresolvable) outcome;
      exchange.reason = u.message();
      respond(Responses.error(HttpResponseStatus.BAD_GATEWAY, u.message(), connect || requestHasBody || closeAfterResponse),
          connect || requestHasBody || closeAfterResponse);
    }
  }

  private void deny(Authority target, String rule, String detail, boolean connect) {
    exchange.decision = "deny";
    exchange.reason = detail;
    boolean close = connect || requestHasBody || closeAfterResponse;
    respond(Responses.blocked(target, rule, detail, close), close);
  }

  // ---- tunnels -------------------------------------------------------------------------------

  private void openTunnel(Authority target, InetSocketAddress dial) {
    closeUpstream(); // a plain-HTTP upstream from earlier requests on this connection is done
    if (!dialer.allowed(dial)) {
      upstreamUnreachable(target);
      return;
    }
    if (px.config.interceptor().wants(sandbox.id, target)) {
      intercept(target, dial);
      return;
    }
    dialer.tunnel(ctx.channel().eventLoop(), dial).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        upstreamUnreachable(target);
        return;
      }
      Channel up = f.channel();
      if (state != State.DECIDING) {
        up.close();
        return;
      }
      state = State.TUNNEL;
      Exchange ex = exchange;
      ex.decision = "allow";
      ex.status = 200;
      ctx.channel().closeFuture().addListener(c -> ex.log(px.log, sandbox.id.value()));
      ctx.writeAndFlush(Responses.connectionEstablished()).addListener((ChannelFuture w) -> {
        if (!w.isSuccess()) {
          up.close();
          return;
        }
        TunnelSwitch.relay(ctx, this, up, earlyBytes(), ex);
      });
    });
  }

  private void intercept(Authority target, InetSocketAddress dial) {
    state = State.TUNNEL;
    exchange.decision = "allow";
    exchange.reason = "intercepted";
    exchange.status = 200;
    exchange.log(px.log, sandbox.id.value());
    ctx.writeAndFlush(Responses.connectionEstablished()).addListener((ChannelFuture w) -> {
      if (w.isSuccess()) {
        TunnelSwitch.handOver(ctx, px.config.interceptor(), sandbox.id, target, dial, earlyBytes());
      }
    });
  }

  /** Bytes the client sent after the CONNECT head, to replay into the tunnel; HTTP leftovers dropped. */
  private List<ByteBuf> earlyBytes() {
    List<ByteBuf> out = new ArrayList<>();
    while (!queue.isEmpty()) {
      Object m = take();
      if (m instanceof ByteBuf b) {
        out.add(b);
      } else {
        ReferenceCountUtil.release(m);
      }
    }
    return out;
  }

  // ---- plain HTTP forwarding -----------------------------------------------------------------

  private void forward(Authority target, InetSocketAddress dial) {
    exchange.decision = "allow";
    if (upstream != null && upstream.isActive() && dial.equals(upstreamAddress) && target.equals(upstreamTarget)) {
      sendRequest(target);
      return;
    }
    closeUpstream();
    if (!dialer.allowed(dial)) {
      upstreamUnreachable(target);
      return;
    }
    UpstreamHttpHandler handler = new UpstreamHttpHandler(this, ctx.channel());
    dialer.http(ctx.channel().eventLoop(), dial, handler).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        upstreamUnreachable(target);
        return;
      }
      if (state != State.DECIDING) {
        f.channel().close();
        return;
      }
      upstream = f.channel();
      upstreamHandler = handler;
      upstreamAddress = dial;
      upstreamTarget = target;
      sendRequest(target);
    });
  }

  private void sendRequest(Authority target) {
    HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), originForm);
    out.headers().set(request.headers());
    HopByHop.strip(out.headers());
    out.headers().remove(HttpHeaderNames.EXPECT);
    out.headers().set(HttpHeaderNames.HOST, target.port() == 80 ? target.host().uriHost() : target.toString());
    px.config.interceptor().injectPlain(sandbox.id, target, out);
    upstreamHandler.begin(exchange, request.method().equals(HttpMethod.HEAD));
    upstream.write(out).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    pendingFlush = true;
    if (HttpUtil.is100ContinueExpected(request)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    state = State.BODY;
    drain();
  }

  private void upstreamUnreachable(Authority target) {
    if (state != State.DECIDING) {
      return;
    }
    exchange.decision = "error";
    exchange.reason = "could not connect to " + target;
    boolean close = exchange.kind.equals("connect") || requestHasBody || closeAfterResponse;
    respond(Responses.error(HttpResponseStatus.BAD_GATEWAY, "could not connect to " + target, close), close);
  }

  /** Whether the response to the exchange in flight must end the client connection. */
  boolean closeAfterResponse() {
    return closeAfterResponse;
  }

  void closeAfterResponse(boolean v) {
    closeAfterResponse = closeAfterResponse || v;
  }

  /** The upstream finished its response; the next request may go. */
  void responseComplete(UpstreamHttpHandler from, boolean upstreamKeepAlive) {
    if (from != upstreamHandler) {
      return;
    }
    exchange.log(px.log, sandbox.id.value());
    if (!upstreamKeepAlive) {
      closeUpstream();
    }
    if (closeAfterResponse) {
      closeClient();
      return;
    }
    if (state == State.BODY) {
      responseDone = true; // the request body is still coming; finish when it has been sent
      return;
    }
    finishExchange();
  }

  private void finishExchange() {
    state = State.IDLE;
    exchange = null;
    drain();
  }

  void upstreamClosed(UpstreamHttpHandler from, boolean responseStarted) {
    if (from != upstreamHandler) {
      return;
    }
    upstream = null;
    upstreamHandler = null;
    if (state == State.BODY || state == State.AWAIT_RESPONSE) {
      exchange.decision = "error";
      exchange.reason = "upstream closed the connection";
      if (responseStarted) {
        exchange.log(px.log, sandbox.id.value());
        closeClient();
      } else {
        respond(Responses.error(HttpResponseStatus.BAD_GATEWAY, "upstream closed the connection", true), true);
      }
    }
  }

  void upstreamWritable() {
    if (state == State.BODY) {
      drain();
    }
  }

  // ---- answers and teardown ------------------------------------------------------------------

  private void respond(FullHttpResponse response, boolean close) {
    exchange.status = response.status().code();
    exchange.log(px.log, sandbox.id.value());
    if (close) {
      state = State.CLOSED;
      releaseQueue();
      ctx.writeAndFlush(response).addListener(f -> LingeringClose.after(ctx.channel()));
      return;
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    state = State.DISCARD_BODY;
    exchange = null;
    drain();
  }

  private void fail(HttpResponseStatus status, String message) {
    if (exchange == null) {
      exchange = new Exchange(px.config.clock().instant());
    }
    if (exchange.reason.isEmpty()) {
      exchange.reason = message;
    }
    exchange.decision = "error";
    respond(Responses.error(status, message, true), true);
    closeUpstream();
  }

  private void closeClient() {
    state = State.CLOSED;
    releaseQueue();
    closeUpstream();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  private void closeUpstream() {
    if (upstream != null) {
      Channel u = upstream;
      upstream = null;
      upstreamHandler = null;
      u.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state != State.TUNNEL) {
      if (exchange != null && state != State.IDLE && state != State.CLOSED) {
        exchange.reason = exchange.reason.isEmpty() ? "client closed the connection" : exchange.reason;
        exchange.log(px.log, sandbox.id.value());
      }
      state = State.CLOSED;
    }
    releaseQueue();
    closeUpstream();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (state != State.TUNNEL) {
      releaseQueue();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void releaseQueue() {
    while (!queue.isEmpty()) {
      ReferenceCountUtil.release(queue.poll());
    }
    queuedBytes = 0;
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    if (msg instanceof HttpContent c) {
      return c.content().readableBytes();
    }
    return 0;
  }

  private static String article(String cls) {
    char c = Character.toLowerCase(cls.charAt(0));
    return ("aeiou".indexOf(c) >= 0 ? "an " : "a ") + cls;
  }
}

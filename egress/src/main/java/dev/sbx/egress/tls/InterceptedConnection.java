package dev.sbx.egress.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * The client side of one intercepted tunnel, after TLS termination and HTTP decoding: checks SNI
 * and each request's Host against the CONNECT target, applies the bound credentials, and relays to
 * one verified upstream connection. Nothing is written upstream before the upstream certificate
 * verified, so a credential never reaches an unverified peer.
 */
final class InterceptedConnection extends ChannelInboundHandlerAdapter {

  private final TlsInterceptor.Target target;
  private final TlsInterceptor owner;
  private final Queue<Object> pending = new ArrayDeque<>();
  private Channel client;
  private Channel upstream;
  private boolean upstreamReady;
  private boolean closing;
  private List<String> applied = List.of();
  private List<Injection.ReplacePlaceholder> bodyPlaceholders = List.of();
  private HttpRequest bufferedHead;
  private CompositeByteBuf bufferedBody;
  boolean responseStarted;

  InterceptedConnection(TlsInterceptor.Target target, TlsInterceptor owner) {
    this.target = target;
    this.owner = owner;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    client = ctx.channel();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      closing = true;
      ctx.close();
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
      refuse(0, "client TLS handshake failed: " + done.cause().getMessage());
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      String problem = prepare(request);
      if (problem != null) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (bodyPlaceholders.isEmpty()) {
        report(request);
      } else {
        // Custom placeholders may sit in the body: hold the request until it is complete.
        bufferedHead = request;
        bufferedBody = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        if (HttpUtil.is100ContinueExpected(request)) {
          // The upstream will not see the head before the body: answer the client's Expect here.
          request.headers().remove(HttpHeaderNames.EXPECT);
          ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (msg instanceof HttpContent content) {
          bufferBody(content);
        }
        return;
      }
    } else if (bufferedHead != null && msg instanceof HttpContent content) {
      bufferBody(content);
      return;
    }
    forward(msg);
  }

  /** Accumulates the body of a held request; at its end, replaces placeholders and sends it on with a new length. */
  private void bufferBody(HttpContent content) {
    bufferedBody.addComponent(true, content.content().retain());
    boolean last = content instanceof LastHttpContent;
    content.release();
    if (bufferedBody.readableBytes() > BodyPlaceholders.MAX_BODY) {
      dropBufferedRequest();
      refuse(413, "request body over " + (BodyPlaceholders.MAX_BODY >> 20)
          + " MiB to a host whose credential placeholder may be in the body");
      return;
    }
    if (!last) {
      return;
    }
    byte[] body = ByteBufUtil.getBytes(bufferedBody);
    byte[] replaced = BodyPlaceholders.replace(body, bodyPlaceholders, applied);
    byte[] out = replaced != null ? replaced : body;
    HttpRequest head = bufferedHead;
    dropBufferedRequest();
    head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    if (out.length > 0 || HttpUtil.isContentLengthSet(head)) {
      head.headers().set(HttpHeaderNames.CONTENT_LENGTH, out.length);
    }
    report(head);
    forward(head);
    forward(new DefaultLastHttpContent(Unpooled.wrappedBuffer(out)));
  }

  private void dropBufferedRequest() {
    if (bufferedBody != null) {
      bufferedBody.release();
    }
    bufferedBody = null;
    bufferedHead = null;
  }

  private void report(HttpRequest request) {
    String path = request.uri();
    int q = path.indexOf('?');
    owner.listener().onEvent(new InterceptionListener.Forwarded(target.sandbox(), target.host(), target.port(),
        request.method().name(), q < 0 ? path : path.substring(0, q), applied));
  }

  /** Checks and rewrites one request head; returns non-null (and has answered) when refused. */
  private String prepare(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      return refuse(400, "malformed request");
    }
    String mismatch = checkAuthority(request);
    if (mismatch != null) {
      return refuse(421, mismatch);
    }
    if (request.headers().contains(HttpHeaderNames.UPGRADE)) {
      return refuse(501, "protocol upgrades (WebSocket) are not supported on a credential-injected connection");
    }
    request.headers().remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    request.headers().remove("Proxy-Connection");
    request.headers().set(HttpHeaderNames.HOST, target.port() == 443 ? uriHost() : uriHost() + ":" + target.port());
    List<Injection> injections = owner.credentials().resolve(target.sandbox(), target.host(), target.port());
    applied = new ArrayList<>(RequestRewriter.apply(request, injections, true));
    bodyPlaceholders = injections.stream().filter(i -> i instanceof Injection.ReplacePlaceholder)
        .map(i -> (Injection.ReplacePlaceholder) i).toList();
    return null;
  }

  /** The request target and Host must name the CONNECT target; absolute-form becomes origin-form. */
  private String checkAuthority(HttpRequest request) {
    String uri = request.uri();
    if (uri.regionMatches(true, 0, "https://", 0, 8) || uri.regionMatches(true, 0, "http://", 0, 7)) {
      int start = uri.indexOf("//") + 2;
      int end = uri.indexOf('/', start);
      String authority = end < 0 ? uri.substring(start) : uri.substring(start, end);
      if (!sameAuthority(authority)) {
        return "request target names another host than the CONNECT target";
      }
      request.setUri(end < 0 ? "/" : uri.substring(end));
    } else if (!uri.startsWith("/")) {
      return "request target must be a path";
    }
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() != 1) {
      return "request needs exactly one Host header";
    }
    return sameAuthority(hosts.get(0)) ? null : "Host header names another host than the CONNECT target";
  }

  private boolean sameAuthority(String authority) {
    String host = authority;
    int port = 443;
    int colon = authority.lastIndexOf(':');
    int bracket = authority.lastIndexOf(']');
    if (colon > bracket && (bracket >= 0 || authority.indexOf(':') == colon)) {
      host = authority.substring(0, colon);
      try {
        port = Integer.parseInt(authority.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return port == target.port() && target.host().equals(owner.canonicalizer().canonical(host));
  }

  private String uriHost() {
    return target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
  }

  private void forward(Object msg) {
    if (upstream == null) {
      connect();
    }
    if (upstreamReady) {
      upstream.write(msg);
    } else {
      pending.add(msg);
    }
  }

  private void connect() {
    Bootstrap b = new Bootstrap()
        .group(client.eventLoop())
        .channel(TlsInterceptor.upstreamChannelType(client))
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TlsInterceptor.HANDSHAKE_TIMEOUT_MS)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            SslHandler tls = owner.upstreamTls().newHandler(ch.alloc(), target.host(), target.port());
            tls.setHandshakeTimeoutMillis(TlsInterceptor.HANDSHAKE_TIMEOUT_MS);
            ch.pipeline().addLast("sbx-tls", tls);
            ch.pipeline().addLast("sbx-http", new HttpClientCodec(8192, 65536, 65536));
            ch.pipeline().addLast("sbx-relay", new UpstreamRelay(client, InterceptedConnection.this));
          }
        });
    upstream = b.connect(target.dial()).addListener((ChannelFutureListener) connected -> {
      if (!connected.isSuccess()) {
        upstreamFailed("cannot connect: " + connected.cause().getMessage());
        return;
      }
      connected.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
        if (!handshake.isSuccess()) {
          upstreamFailed("upstream TLS failed (certificate not valid for " + target.host() + "?): "
              + handshake.cause().getMessage());
          return;
        }
        upstreamReady = true;
        Object msg;
        while ((msg = pending.poll()) != null) {
          upstream.write(msg);
        }
        upstream.flush();
      });
    }).channel();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (upstreamReady) {
      upstream.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.config().setAutoRead(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePending();
    dropBufferedRequest();
    if (upstream != null) {
      upstream.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closing = true;
    releasePending();
    ctx.close();
  }

  boolean upstreamReady() {
    return upstreamReady;
  }

  void upstreamFailed(String reason) {
    owner.listener().onEvent(new InterceptionListener.UpstreamFailed(target.sandbox(), target.host(), target.port(),
        reason));
    releasePending();
    if (!responseStarted) {
      respondAndClose(HttpResponseStatus.BAD_GATEWAY,
          "sbx egress: cannot reach " + target.host() + ":" + target.port() + " securely\n");
    } else {
      client.close();
    }
  }

  private String refuse(int status, String reason) {
    owner.listener().onEvent(new InterceptionListener.Refused(target.sandbox(), target.host(), target.port(),
        status, reason));
    if (status == 0) {
      closing = true;
      client.close();
    } else {
      respondAndClose(HttpResponseStatus.valueOf(status), "sbx egress: " + reason + "\n");
    }
    return reason;
  }

  private void respondAndClose(HttpResponseStatus status, String body) {
    closing = true;
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    client.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void releasePending() {
    Object msg;
    while ((msg = pending.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}

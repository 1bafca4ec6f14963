package dev.sbx.egress.tls;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.egress.api.TunnelInterceptor;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsyncMapping;
import javax.net.ssl.SSLException;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Credential injection on CONNECT tunnels to bound hosts, plugged into the proxy core as its
 * {@link TunnelInterceptor} ({@code EgressConfig.withInterceptor}). The core asks {@code wants}
 * for every allowed CONNECT (with the canonical target, after the policy and the address guard);
 * on yes it answers {@code 200}, empties the client channel's pipeline and calls {@code intercept}. The interceptor then terminates TLS with
 * a leaf minted for the canonical host, parses HTTP/1.1, checks every request's Host against the
 * CONNECT target, applies the credentials bound to that very host, and forwards over a verified TLS
 * connection to the vetted address. Everything else stays an opaque tunnel (the core's relay).
 *
 * <p>Client pipeline: {@code SslHandler(server, leaf) → HttpServerCodec → InterceptedConnection};
 * upstream pipeline: {@code SslHandler(client, verified) → HttpClientCodec → UpstreamRelay}. One
 * upstream connection per client connection keeps responses in request order and never mixes two
 * clients on one upstream socket. No ALPN is offered, so clients speak HTTP/1.1.
 */
public final class TlsInterceptor implements TunnelInterceptor {

  static final int HANDSHAKE_TIMEOUT_MS = 10_000;
  static final int MAX_CLIENT_HELLO = 16 * 1024;
  /** An intercepted connection with no traffic either way for this long is closed (both legs). */
  static final int IDLE_TIMEOUT_S = 300;

  private final LeafCache leaves;
  private final UpstreamTls upstreamTls;
  private final CredentialResolver credentials;
  private final InterceptionListener listener;
  private final HostCanonicalizer canonicalizer;

  public TlsInterceptor(LeafCache leaves, UpstreamTls upstreamTls, CredentialResolver credentials,
      InterceptionListener listener, HostCanonicalizer canonicalizer) {
    this.leaves = Objects.requireNonNull(leaves, "leaves");
    this.upstreamTls = Objects.requireNonNull(upstreamTls, "upstreamTls");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.canonicalizer = Objects.requireNonNull(canonicalizer, "canonicalizer");
  }

  /** An interceptor that checks inner hosts with the proxy core's canonical form. */
  public TlsInterceptor(LeafCache leaves, UpstreamTls upstreamTls, CredentialResolver credentials,
      InterceptionListener listener) {
    this(leaves, upstreamTls, credentials, listener, CanonicalHostCanonicalizer.INSTANCE);
  }

  @Override
  public boolean wants(SandboxId sandbox, Authority target) {
    return wants(sandbox.value(), target.host().value(), target.port());
  }

  @Override
  public void intercept(Channel client, SandboxId sandbox, Authority target, InetSocketAddress dial) {
    intercept(client, sandbox.value(), target.host().value(), target.port(), dial);
  }

  /** Plain HTTP: only credentials whose binding sets {@code plaintextAllowed} are applied. */
  @Override
  public List<String> injectPlain(SandboxId sandbox, Authority target, HttpRequest request) {
    List<Injection> injections = credentials.resolve(sandbox.value(), target.host().value(), target.port());
    if (injections.isEmpty()) {
      return List.of();
    }
    List<String> applied = PlainHttpInjection.apply(request, injections);
    String path = request.uri();
    int q = path.indexOf('?');
    listener.onEvent(new InterceptionListener.Forwarded(sandbox.value(), target.host().value(), target.port(),
        request.method().name(), q < 0 ? path : path.substring(0, q), applied));
    return applied;
  }

  /** Whether a CONNECT from {@code sandbox} to this canonical target must be intercepted (it is bound to a credential). */
  public boolean wants(String sandbox, String canonicalHost, int port) {
    return !credentials.resolve(sandbox, canonicalHost, port).isEmpty();
  }

  /**
   * Takes over {@code client} (pipeline emptied by the core, 200 already sent).
   *
   * @param canonicalHost the canonical CONNECT host: leaf SAN, upstream SNI and verification name
   * @param dial the address the core vetted; the interceptor never resolves the name again
   */
  public void intercept(Channel client, String sandbox, String canonicalHost, int port, InetSocketAddress dial) {
    Target target = new Target(sandbox, canonicalHost, port, dial);
    // SniHandler reads the real ClientHello (also when split across records, up to 16 KiB for
    // post-quantum key shares) before choosing the leaf: a named SNI must be the CONNECT target.
    AtomicBoolean reported = new AtomicBoolean();
    AsyncMapping<String, SslContext> leafFor = (sni, promise) -> {
      if (sni != null && !canonicalHost.equals(canonicalizer.canonical(sni))) {
        if (!reported.getAndSet(true)) {
          listener.onEvent(new InterceptionListener.Refused(sandbox, canonicalHost, port, 0,
              "TLS server name differs from the CONNECT target"));
        }
        return promise.setFailure(new SSLException("SNI does not match the CONNECT target"));
      }
      return promise.setSuccess(leaves.serverContext(canonicalHost));
    };
    client.pipeline().addLast("sbx-tls", new SniHandler(leafFor, MAX_CLIENT_HELLO, HANDSHAKE_TIMEOUT_MS) {
      @Override
      protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        // The engine's peer host selects the leaf in LeafKeyManager: always the canonical target.
        SslHandler tls = leaves.newServerHandler(allocator, canonicalHost, port);
        tls.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS);
        return tls;
      }
    });
    client.pipeline().addLast("sbx-idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT_S, TimeUnit.SECONDS));
    client.pipeline().addLast("sbx-http", new HttpServerCodec(8192, 65536, 65536));
    client.pipeline().addLast("sbx-intercept", new InterceptedConnection(target, this));
    client.config().setAutoRead(true);
    client.read();
  }

  /** The canonical CONNECT target of one intercepted connection. */
  record Target(String sandbox, String host, int port, InetSocketAddress dial) {}

  UpstreamTls upstreamTls() {
    return upstreamTls;
  }

  CredentialResolver credentials() {
    return credentials;
  }

  InterceptionListener listener() {
    return listener;
  }

  HostCanonicalizer canonicalizer() {
    return canonicalizer;
  }

  /** The channel type for the upstream leg: the same transport family as the client's event loop. */
  static Class<? extends Channel> upstreamChannelType(Channel client) {
    if (client.getClass().getName().startsWith("io.netty.channel.epoll.")) {
      return io.netty.channel.epoll.EpollSocketChannel.class;
    }
    return NioSocketChannel.class;
  }
}

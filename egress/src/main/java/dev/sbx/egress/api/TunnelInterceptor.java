package dev.sbx.egress.api;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.net.InetSocketAddress;

/**
 * The hook for TLS interception (credential injection). After the policy allowed a CONNECT and
 * the destination address passed the address guard, the proxy asks {@link #wants}; if it says
 * yes, the proxy writes {@code 200 Connection Established}, removes its own handlers from the
 * client channel and hands that channel over instead of relaying bytes opaquely. The interceptor
 * then owns the channel (auto-read is off; call {@code read()}), must dial only {@code dial}, and
 * must check every inner request's Host against {@code target}.
 */
public interface TunnelInterceptor {

  /** Whether CONNECTs from this sandbox to this canonical target go to {@link #intercept}. */
  boolean wants(SandboxId sandbox, Authority target);

  /**
   * Takes over an allowed tunnel.
   *
   * @param client the sandbox side, with an empty pipeline and auto-read off
   * @param target the canonical CONNECT target (use it for SNI, certificate checks, Host checks)
   * @param dial the vetted address to connect to (never resolve the name again)
   */
  void intercept(Channel client, SandboxId sandbox, Authority target, InetSocketAddress dial);

  /**
   * Applies credentials to a plain-HTTP request before it is forwarded (headers only). The default
   * applies none: plain-HTTP injection is off unless an interceptor's binding asks for it, because
   * on plain HTTP the value would cross the network in the clear.
   *
   * @return the names of the credentials applied (for the log), never values
   */
  default List<String> injectPlain(SandboxId sandbox, Authority target, HttpRequest request) {
    return List.of();
  }

  /** No interception: every tunnel is relayed opaquely. */
  TunnelInterceptor NONE = new TunnelInterceptor() {
    @Override
    public boolean wants(SandboxId sandbox, Authority target) {
      return false;
    }

    @Override
    public void intercept(Channel client, SandboxId sandbox, Authority target, InetSocketAddress dial) {
      throw new IllegalStateException("no interceptor");
    }
  };
}

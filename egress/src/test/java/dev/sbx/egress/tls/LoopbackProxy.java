package dev.sbx.egress.tls;

import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.api.Binding;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.HostResolver;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The real egress proxy on loopback with a TLS interceptor plugged in: every {@code *.test} name
 * resolves to 127.0.0.1 (nothing else resolves), one sandbox listener, the given allow rules.
 */
final class LoopbackProxy implements AutoCloseable {

  static final HostResolver TEST_DNS = name -> {
    if (name.endsWith(".test")) {
      return List.of(InetAddress.getByName("127.0.0.1"));
    }
    throw new UnknownHostException(name);
  };

  private final EgressProxy proxy;
  private final int port;

  LoopbackProxy(String sandbox, TlsInterceptor interceptor, String... allow) {
    proxy = EgressProxy.start(EgressConfig.defaults().withResolver(TEST_DNS).withIoThreads(2).withInterceptor(interceptor));
    proxy.setRules(SandboxId.of(sandbox), RuleSet.allowing(allow));
    Binding b = proxy.bind(SandboxId.of(sandbox), ListenAddress.parse("127.0.0.1:0"));
    port = ((ListenAddress.Tcp) b.address()).port();
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    proxy.close();
  }
}

package dev.sbx.egress;

import dev.sbx.egress.api.Binding;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The proxy standalone for one rule set on one listener: what {@code sbx egress serve} runs, and
 * how the proxy is used without VMs ({@code HTTPS_PROXY=http://HOST:PORT} for any process).
 * Prints nothing; the caller reports {@link #address()}.
 */
public final class EgressServer implements AutoCloseable {
  /** The sandbox name standalone traffic is logged under. */
  public static final SandboxId STANDALONE = SandboxId.of("standalone");

  private final EgressProxy proxy;
  private final Binding binding;
  private final CountDownLatch closed = new CountDownLatch(1);

  private EgressServer(EgressProxy proxy, Binding binding) {
    this.proxy = proxy;
    this.binding = binding;
  }

  public static EgressServer start(RuleSet rules, ListenAddress listen, Optional<Path> decisionLog) {
    return start(rules, listen, EgressConfig.defaults().withDecisionLogFile(decisionLog.orElse(null)));
  }

  public static EgressServer start(RuleSet rules, ListenAddress listen, EgressConfig config) {
    EgressProxy proxy = EgressProxy.start(config);
    try {
      proxy.setRules(STANDALONE, rules);
      return new EgressServer(proxy, proxy.bind(STANDALONE, listen));
    } catch (RuntimeException e) {
      proxy.close();
      throw e;
    }
  }

  /** Where it listens (the real port when 0 was asked for). */
  public ListenAddress address() {
    return binding.address();
  }

  public EgressProxy proxy() {
    return proxy;
  }

  /** Blocks until {@link #close()} is called (e.g. from a shutdown hook). */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    proxy.close();
    closed.countDown();
  }
}

package dev.sbx.egress;

import dev.sbx.egress.api.Binding;
import dev.sbx.egress.api.DecisionLog;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.egress.policy.AddressGuard;
import dev.sbx.egress.policy.EgressPolicy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The egress proxy: one process-wide instance serving every sandbox. Each sandbox gets its own
 * listener ({@link #bind}); everything accepted there is judged by that sandbox's rules
 * ({@link #setRules}), which can be replaced at any time: requests and connections that start
 * afterwards see the new rules at once, established tunnels continue.
 *
 * <pre>{@code
 * try (EgressProxy proxy = EgressProxy.start(EgressConfig.defaults())) {
 *   SandboxId id = SandboxId.of("dev");
 *   proxy.setRules(id, RuleSet.allowing("api.github.com:443", "**.example.com"));
 *   Binding b = proxy.bind(id, ListenAddress.loopback(0));
 *   // HTTPS_PROXY=http://<b.address()> for the sandbox's processes
 * }
 * }</pre>
 */
public final class EgressProxy implements AutoCloseable {
  private final EgressConfig config;
  private final Transport transport;
  private final EventLoopGroup group;
  private final ExecutorService resolverPool;
  private final JsonLinesSink fileSink;
  private final RingDecisionLog log;
  private final ProxyContext px;
  private final Map<SandboxId, SandboxState> sandboxes = new ConcurrentHashMap<>();
  private final List<BindingImpl> bindings = new CopyOnWriteArrayList<>();
  private final Set<InetAddress> hostAddresses = interfaceAddresses();
  private volatile AddressGuard guard = new AddressGuard(Set.of(), hostAddresses);

  private EgressProxy(EgressConfig config) {
    this.config = config;
    this.transport = Transport.best();
    this.group = transport.newGroup(config.ioThreads());
    this.resolverPool = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "sbx-egress-dns");
      t.setDaemon(true);
      return t;
    });
    this.fileSink = config.decisionLogFile().map(JsonLinesSink::new).orElse(null);
    this.log = new RingDecisionLog(config.decisionLogCapacity(), fileSink == null ? r -> { } : fileSink);
    Destinations destinations = new Destinations(config.resolver(), resolverPool, () -> guard,
        config.limits().connectTimeout());
    this.px = new ProxyContext(config, transport, destinations, log);
  }

  /** Starts the proxy's threads; it listens nowhere until {@link #bind}. */
  public static EgressProxy start(EgressConfig config) {
    return new EgressProxy(config);
  }

  /**
   * Opens a listener for {@code sandbox}. A sandbox without rules yet gets deny-all. A unix
   * socket is created with mode 0600 (any stale file at that path is replaced). Binding the same
   * sandbox to the same address again returns the existing binding; another sandbox's address is
   * refused with {@link IllegalArgumentException}.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public synchronized Binding bind(SandboxId sandbox, ListenAddress address) {
    for (BindingImpl existing : bindings) {
      if (existing.address().equals(address) || (address instanceof ListenAddress.Unix && existing.requested.equals(address))) {
        if (!existing.sandbox().equals(sandbox)) {
          throw new IllegalArgumentException(address + " is already the listener of sandbox " + existing.sandbox());
        }
        return existing; // idempotent: the reconciler may apply the same binding again
      }
    }
    SandboxState state = sandboxes.computeIfAbsent(sandbox,
        id -> new SandboxState(id, EgressPolicy.compile(RuleSet.denyAll())));
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ProxyInitializer(px, state, connections));
    SocketAddress socketAddress;
    if (address instanceof ListenAddress.Unix u) {
      b.channel(transport.unixServer());
      try {
        Files.deleteIfExists(u.path());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot replace " + u.path(), e);
      }
      socketAddress = new DomainSocketAddress(u.path().toFile());
    } else {
      ListenAddress.Tcp t = (ListenAddress.Tcp) address;
      b.channel(transport.tcpServer()).childOption(ChannelOption.TCP_NODELAY, true);
      socketAddress = new InetSocketAddress(t.host(), t.port());
    }
    ChannelFuture f = b.bind(socketAddress).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new UncheckedIOException("cannot listen on " + address,
          f.cause() instanceof IOException io ? io : new IOException(f.cause()));
    }
    Channel listener = f.channel();
    ListenAddress actual = address;
    if (address instanceof ListenAddress.Unix u) {
      try {
        Files.setPosixFilePermissions(u.path(), PosixFilePermissions.fromString("rw-------"));
      } catch (IOException e) {
        listener.close();
        throw new UncheckedIOException("cannot restrict " + u.path(), e);
      }
    } else {
      InetSocketAddress local = (InetSocketAddress) listener.localAddress();
      actual = new ListenAddress.Tcp(((ListenAddress.Tcp) address).host(), local.getPort());
    }
    BindingImpl binding = new BindingImpl(sandbox, address, actual, listener, connections);
    bindings.add(binding);
    refreshGuard();
    return binding;
  }

  /** Replaces the rules of {@code sandbox} atomically (creating its entry if needed). */
  public void setRules(SandboxId sandbox, RuleSet rules) {
    EgressPolicy policy = EgressPolicy.compile(rules);
    sandboxes.compute(sandbox, (id, old) -> {
      if (old == null) {
        return new SandboxState(id, policy);
      }
      old.setPolicy(policy);
      return old;
    });
  }

  /** The rules the proxy enforces for {@code sandbox} right now (what the reconciler observes). */
  public Optional<RuleSet> rules(SandboxId sandbox) {
    SandboxState s = sandboxes.get(sandbox);
    return s == null ? Optional.empty() : Optional.of(s.rules());
  }

  /** Sandboxes the proxy holds rules or listeners for. */
  public Set<SandboxId> sandboxes() {
    return Set.copyOf(sandboxes.keySet());
  }

  /** The listeners of {@code sandbox}. */
  public List<Binding> bindings(SandboxId sandbox) {
    return bindings.stream().filter(b -> b.sandbox().equals(sandbox)).map(b -> (Binding) b).toList();
  }

  /** Open CONNECT tunnels of {@code sandbox}. */
  public int openTunnels(SandboxId sandbox) {
    SandboxState s = sandboxes.get(sandbox);
    return s == null ? 0 : s.openTunnels();
  }

  /** Closes every listener and connection of {@code sandbox} and forgets its rules. */
  public void unbind(SandboxId sandbox) {
    for (BindingImpl b : bindings) {
      if (b.sandbox().equals(sandbox)) {
        b.close();
      }
    }
    sandboxes.remove(sandbox);
  }

  /** Test interlock: dials to addresses failing {@code allowed} are refused (502) instead of made. */
  void restrictDials(Predicate<InetSocketAddress> allowed) {
    px.dialAllowed = allowed;
  }

  public DecisionLog decisionLog() {
    return log;
  }

  @Override
  public void close() {
    for (BindingImpl b : bindings) {
      b.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    resolverPool.shutdownNow();
    if (fileSink != null) {
      fileSink.close();
    }
  }

  /** The addresses the proxy listens on, which no request may dial (it would loop). */
  private synchronized void refreshGuard() {
    Set<InetSocketAddress> own = new HashSet<>();
    for (BindingImpl b : bindings) {
      if (b.listener.localAddress() instanceof InetSocketAddress a) {
        if (a.getAddress().isAnyLocalAddress()) {
          hostAddresses.forEach(h -> own.add(new InetSocketAddress(h, a.getPort())));
        }
        own.add(a);
      }
    }
    guard = new AddressGuard(own, hostAddresses);
  }

  private static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> out = new HashSet<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        out.addAll(Collections.list(ni.getInetAddresses()));
      }
    } catch (SocketException e) {
      // Without the list, loopback and private ranges are still refused by class.
    }
    return out;
  }

  private final class BindingImpl implements Binding {
    private final SandboxId sandbox;
    private final ListenAddress requested;
    private final ListenAddress address;
    private final Channel listener;
    private final ChannelGroup connections;

    BindingImpl(SandboxId sandbox, ListenAddress requested, ListenAddress address, Channel listener,
        ChannelGroup connections) {
      this.sandbox = sandbox;
      this.requested = requested;
      this.address = address;
      this.listener = listener;
      this.connections = connections;
    }

    @Override
    public SandboxId sandbox() {
      return sandbox;
    }

    @Override
    public ListenAddress address() {
      return address;
    }

    @Override
    public void close() {
      listener.close().awaitUninterruptibly();
      connections.close().awaitUninterruptibly();
      if (bindings.remove(this)) {
        refreshGuard();
      }
      if (address instanceof ListenAddress.Unix u) {
        try {
          Files.deleteIfExists(u.path());
        } catch (IOException e) {
          // A leftover socket file is replaced on the next bind.
        }
      }
    }
  }
}

package dev.sbx.vm.ports;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxException.Kind;
import dev.sbx.vm.api.SandboxRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Published ports: one host TCP listener per {@link PortSpec}; every connection it accepts is
 * handed to {@link SandboxRuntime#connectGuestPort}, which carries it over the guest-agent
 * channel to {@code 127.0.0.1:GUEST} inside the VM (the VM has no network device). Listeners
 * bind to 127.0.0.1 unless an address is given. This class only holds listeners; which ports
 * should be published, and when (the sandbox runs), is the caller's business.
 */
public final class PortForwarder implements AutoCloseable {
  private final SandboxRuntime runtime;
  private final Consumer<String> log;
  private final List<Listener> listeners = new ArrayList<>();
  private final ExecutorService connectors = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sbx-port-connect");
    t.setDaemon(true);
    return t;
  });

  /** @param log receives one line per refused or failed forwarded connection */
  public PortForwarder(SandboxRuntime runtime, Consumer<String> log) {
    this.runtime = runtime;
    this.log = log;
  }

  /**
   * Binds a listener for {@code spec} and starts forwarding; returns the port as bound (an
   * ephemeral host port resolved).
   *
   * @throws SandboxException {@code INVALID} when the address is not local, the port is in use
   *     or already published
   */
  public synchronized PublishedPort publish(String sandbox, PortSpec spec) {
    String ip = spec.bindIp();
    for (Listener l : listeners) {
      if (spec.hostPort() != 0 && l.port.hostPort() == spec.hostPort() && l.port.hostIp().equals(ip)) {
        throw new SandboxException(Kind.INVALID, sandbox, ip + ":" + spec.hostPort() + " is already published for "
            + l.port.sandbox() + " (guest port " + l.port.guestPort() + "); unpublish it first");
      }
    }
    ServerSocketChannel server = null;
    try {
      InetAddress address = InetAddress.getByName(ip);
      server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress(address, spec.hostPort()), 64);
      int bound = ((InetSocketAddress) server.getLocalAddress()).getPort();
      var port = new PublishedPort(sandbox, ip, bound, spec.guestPort());
      var listener = new Listener(port, server);
      listeners.add(listener);
      listener.start();
      return port;
    } catch (UnknownHostException e) {
      closeQuietly(server);
      throw new SandboxException(Kind.INVALID, sandbox, "'" + ip + "' is not an IP address");
    } catch (IOException e) {
      closeQuietly(server);
      throw new SandboxException(Kind.INVALID, sandbox, "cannot listen on " + ip + ":" + spec.hostPort() + ": "
          + e.getMessage() + " (pick another host port, or leave it out for an ephemeral one)", e);
    }
  }

  /** Closes the listeners {@code filter} names (see {@link PortSpec#matches}); returns them. */
  public synchronized List<PublishedPort> unpublish(String sandbox, PortSpec filter) {
    var removed = new ArrayList<PublishedPort>();
    listeners.removeIf(l -> {
      if (l.port.sandbox().equals(sandbox) && filter.matches(l.port)) {
        l.close();
        removed.add(l.port);
        return true;
      }
      return false;
    });
    return removed;
  }

  /** Closes every listener of a sandbox (it stopped or is gone). */
  public synchronized List<PublishedPort> closeAll(String sandbox) {
    var removed = new ArrayList<PublishedPort>();
    listeners.removeIf(l -> {
      if (l.port.sandbox().equals(sandbox)) {
        l.close();
        removed.add(l.port);
        return true;
      }
      return false;
    });
    return removed;
  }

  /** What listens now, in publish order. */
  public synchronized List<PublishedPort> published() {
    return listeners.stream().map(l -> l.port).toList();
  }

  public List<PublishedPort> published(String sandbox) {
    return published().stream().filter(p -> p.sandbox().equals(sandbox)).toList();
  }

  @Override
  public synchronized void close() {
    listeners.forEach(Listener::close);
    listeners.clear();
    connectors.shutdownNow();
  }

  private static void closeQuietly(java.nio.channels.Channel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** One bound host port and its accept thread. */
  private final class Listener {
    final PublishedPort port;
    final ServerSocketChannel server;
    private Thread acceptor;

    Listener(PublishedPort port, ServerSocketChannel server) {
      this.port = port;
      this.server = server;
    }

    void start() {
      acceptor = new Thread(this::acceptLoop, "sbx-port-" + port.hostPort());
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void acceptLoop() {
      while (server.isOpen()) {
        SocketChannel client;
        try {
          client = server.accept();
        } catch (IOException e) {
          return; // closed by unpublish
        }
        try {
          // Relayed bytes arrive in frame-sized bursts; Nagle + delayed ACK would hold the tail of
          // each (e.g. an HTTP body after its headers) for ~40 ms on a client that only reads.
          client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        try {
          connectors.execute(() -> forward(client));
        } catch (java.util.concurrent.RejectedExecutionException e) {
          closeQuietly(client);
          return;
        }
      }
    }

    /** A refused guest port closes the client at once: it sees EOF, like docker's proxy does. */
    private void forward(SocketChannel client) {
      try {
        runtime.connectGuestPort(port.sandbox(), port.guestPort(), client);
      } catch (SandboxException e) {
        log.accept(port.hostIp() + ":" + port.hostPort() + " -> " + port.sandbox() + ":" + port.guestPort() + ": "
            + e.getMessage());
        closeQuietly(client);
      } catch (RuntimeException e) {
        closeQuietly(client);
        throw e;
      }
    }

    /**
     * Closes the listening socket and waits for the accept thread to leave: the JDK releases the
     * socket of a channel blocked in accept only then, so a caller can rely on the port being
     * closed when unpublish returns.
     */
    void close() {
      closeQuietly(server);
      if (acceptor != null && acceptor != Thread.currentThread()) {
        try {
          acceptor.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}

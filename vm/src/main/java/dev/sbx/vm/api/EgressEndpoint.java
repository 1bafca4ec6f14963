package dev.sbx.vm.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the host connects each guest proxy connection ({@code OPEN kind=proxy}). The reconciler
 * hands the runtime the sandbox's own listener of the egress proxy, so the proxy knows the
 * sandbox from the listener, never from anything the guest says.
 */
public sealed interface EgressEndpoint {

  /** A unix-domain socket listener. */
  record UnixSocket(Path path) implements EgressEndpoint {
    public UnixSocket {
      Objects.requireNonNull(path, "path");
    }
  }

  /** A TCP listener, normally on loopback. */
  record Tcp(String host, int port) implements EgressEndpoint {
    public Tcp {
      Objects.requireNonNull(host, "host");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }
  }
}

package dev.sbx.egress.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one sandbox's listener accepts connections. Every connection accepted there is that
 * sandbox's traffic: identity comes from the listener, never from anything the guest sends.
 */
public sealed interface ListenAddress {

  /** A TCP listener, e.g. {@code 127.0.0.1:0} (port 0 picks a free port). */
  record Tcp(String host, int port) implements ListenAddress {
    public Tcp {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }

    @Override
    public String toString() {
      return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
  }

  /**
   * A unix domain socket (created with mode 0600); the VM runtime connects each guest tunnel of
   * the sandbox to it. Put it in a directory only the daemon's user can enter.
   */
  record Unix(Path path) implements ListenAddress {
    public Unix {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  static Tcp loopback(int port) {
    return new Tcp("127.0.0.1", port);
  }

  /**
   * Parses {@code HOST:PORT}, {@code [V6]:PORT} or {@code unix:/path}.
   *
   * @throws IllegalArgumentException with a message naming the bad text
   */
  static ListenAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.startsWith("unix:")) {
      return new Unix(Path.of(text.substring(5)));
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("listen address must be HOST:PORT, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("IPv6 listen address must be bracketed: '" + text + "'");
    }
    try {
      return new Tcp(host, Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("listen port is not a number in '" + text + "'");
    }
  }
}

package dev.sbx.reconciler.daemon;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code sbx daemon --listen [HOST:]PORT [--tls-cert FILE --tls-key FILE] [--tls-san NAME...]}: where
 * the remote API listens and with which certificate. Without files the daemon uses (and makes
 * once) its own certificate in {@code STATE/api-tls/}, valid for loopback, this host's name and
 * {@code extraNames}.
 */
public record RemoteListen(InetSocketAddress bind, Optional<Path> certFile, Optional<Path> keyFile,
    List<String> extraNames) {
  public static final String DEFAULT_HOST = "127.0.0.1";

  public RemoteListen {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    extraNames = List.copyOf(extraNames);
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both PEM files or neither");
    }
  }

  /** The generated certificate, on {@code bind}. */
  public static RemoteListen of(InetSocketAddress bind) {
    return new RemoteListen(bind, Optional.empty(), Optional.empty(), List.of());
  }

  /**
   * Parses {@code PORT}, {@code HOST:PORT} or {@code [IPv6]:PORT}; the host defaults to
   * {@value #DEFAULT_HOST} so the API is not reachable from elsewhere unless asked for.
   */
  public static InetSocketAddress parseAddress(String text) {
    String t = text.strip();
    String host = DEFAULT_HOST;
    String port = t;
    if (t.startsWith("[")) {
      int close = t.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("--listen " + text + ": write an IPv6 address as [::1]:7443");
      }
      host = t.substring(1, close);
      port = t.substring(close + 2);
    } else if (t.contains(":")) {
      int colon = t.lastIndexOf(':');
      if (t.indexOf(':') != colon) {
        throw new IllegalArgumentException("--listen " + text + ": write an IPv6 address as [::1]:7443");
      }
      host = t.substring(0, colon).isEmpty() ? DEFAULT_HOST : t.substring(0, colon);
      port = t.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen " + text + ": the port must be a number (e.g. 7443 or 127.0.0.1:7443)");
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("--listen " + text + ": the port must be 0-65535");
    }
    return new InetSocketAddress(host, p);
  }

  ServerCertificate identity(Path stateDir) {
    if (certFile.isPresent()) {
      return ServerCertificate.fromPem(certFile.get(), keyFile.orElseThrow());
    }
    String host = bind.getHostString();
    List<String> names = new java.util.ArrayList<>(extraNames);
    if (!bind.getAddress().isAnyLocalAddress()) {
      names.add(host);
    }
    return ServerCertificate.loadOrCreate(stateDir, names);
  }
}

package dev.sbx.egress.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Resource limits of the proxy, per connection unless said otherwise.
 *
 * @param maxInitialLineLength longest request line (414 beyond)
 * @param maxHeaderSize largest request head (431 beyond)
 * @param handshakeTimeout time from accept to a complete first request head (408 after)
 * @param idleTimeout a connection or tunnel with no traffic either way for this long is closed
 * @param connectTimeout dialing the upstream (502 after)
 * @param maxTunnelsPerSandbox concurrent CONNECT tunnels per sandbox (429 beyond)
 * @param maxBufferedBytes bytes a client may send before its request is decided (413 beyond)
 */
public record Limits(
    int maxInitialLineLength,
    int maxHeaderSize,
    Duration handshakeTimeout,
    Duration idleTimeout,
    Duration connectTimeout,
    int maxTunnelsPerSandbox,
    int maxBufferedBytes) {

  public Limits {
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (maxInitialLineLength < 256 || maxHeaderSize < 1024 || maxTunnelsPerSandbox < 1 || maxBufferedBytes < 1024) {
      throw new IllegalArgumentException("limits are too small: " + maxInitialLineLength + "/" + maxHeaderSize
          + "/" + maxTunnelsPerSandbox + "/" + maxBufferedBytes);
    }
  }

  public static Limits defaults() {
    return new Limits(8192, 32 * 1024, Duration.ofSeconds(10), Duration.ofMinutes(5),
        Duration.ofSeconds(10), 256, 64 * 1024);
  }

  public Limits withHandshakeTimeout(Duration d) {
    return new Limits(maxInitialLineLength, maxHeaderSize, d, idleTimeout, connectTimeout, maxTunnelsPerSandbox, maxBufferedBytes);
  }

  public Limits withIdleTimeout(Duration d) {
    return new Limits(maxInitialLineLength, maxHeaderSize, handshakeTimeout, d, connectTimeout, maxTunnelsPerSandbox, maxBufferedBytes);
  }

  public Limits withMaxTunnelsPerSandbox(int n) {
    return new Limits(maxInitialLineLength, maxHeaderSize, handshakeTimeout, idleTimeout, connectTimeout, n, maxBufferedBytes);
  }

  public Limits withConnectTimeout(Duration d) {
    return new Limits(maxInitialLineLength, maxHeaderSize, handshakeTimeout, idleTimeout, d, maxTunnelsPerSandbox, maxBufferedBytes);
  }

  public Limits withMaxBufferedBytes(int n) {
    return new Limits(maxInitialLineLength, maxHeaderSize, handshakeTimeout, idleTimeout, connectTimeout, maxTunnelsPerSandbox, n);
  }

  public Limits withMaxHeaderSize(int n) {
    return new Limits(maxInitialLineLength, n, handshakeTimeout, idleTimeout, connectTimeout, maxTunnelsPerSandbox, maxBufferedBytes);
  }
}

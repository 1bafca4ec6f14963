package dev.sbx.reconciler.daemon;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The CLI's side of the API: one HTTP/1.1 request per connection, over the local unix socket or,
 * with {@link #remote}, over TCP + TLS to a daemon's remote API with a bearer token. Transport
 * failures of the remote kind are {@link RemoteException}s with one-line, token-free messages.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  /** An apply may boot VMs for minutes; a dead daemon is still noticed eventually. */
  private static final int READ_TIMEOUT_MS = 15 * 60_000;

  private final Path socket;
  private final Remote remote;

  /** Where and how to reach a remote daemon; {@code token} is never part of {@link #toString()}. */
  public record Remote(URI url, String token, SSLContext tls, boolean verifyHostName) {
    public Remote {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(tls, "tls");
    }

    String host() {
      String h = url.getHost();
      return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    int port() {
      return url.getPort() < 0 ? 443 : url.getPort();
    }

    @Override
    public String toString() {
      return "Remote[" + url + "]";
    }
  }

  public ApiClient(Path socket) {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.remote = null;
  }

  private ApiClient(Remote remote) {
    this.socket = null;
    this.remote = remote;
  }

  /** A client of the remote API at {@code remote.url()} ({@code https://HOST[:PORT]}). */
  public static ApiClient remote(Remote remote) {
    return new ApiClient(remote);
  }

  /** The unix socket (local clients); null for a remote one. */
  public Path socket() {
    return socket;
  }

  public boolean isRemote() {
    return remote != null;
  }

  /** What this client talks to, for messages: the socket path or the URL. */
  public String where() {
    return remote != null ? remote.url().toString() : socket.toString();
  }

  /** True when a daemon answers. */
  public boolean reachable() {
    try {
      return call("GET", "/v1/version", "").status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** A response: status and parsed JSON body. */
  public record Reply(int status, JsonNode body) {}

  /** Why a remote call failed before any answer: connection, TLS, or an unreadable answer. */
  public static final class RemoteException extends IOException {
    private static final long serialVersionUID = 1L;

    RemoteException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Reply call(String method, String path, String jsonBody) throws IOException {
    return call(method, path, java.util.Map.of("Content-Type", "application/json"),
        jsonBody.getBytes(StandardCharsets.UTF_8));
  }

  /** A request with extra headers and a raw body (a webhook delivery carries its signature in a header). */
  public Reply call(String method, String path, java.util.Map<String, String> headers, byte[] body)
      throws IOException {
    try (Connection c = send(method, path, headers, body)) {
      String all = new String(c.in().readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      if (!all.startsWith("HTTP/1.1 ") || split < 0) {
        throw new IOException("not an HTTP answer from " + where());
      }
      int status = Integer.parseInt(all.substring(9, 12));
      String text = all.substring(split + 4);
      Reply reply = new Reply(status, text.isEmpty() ? JSON.nullNode() : JSON.readTree(text));
      if (remote != null && (status == 401 || status == 403)) {
        throw new RemoteException(where() + " refused the request (" + status + "): " + errorText(reply)
            + (status == 401 && remote.token() == null ? "; no token given: set SBX_TOKEN or --token-file FILE" : ""), null);
      }
      return reply;
    } catch (SSLException e) {
      throw new RemoteException("TLS with " + where() + " failed: " + rootMessage(e) + tlsHint(), e);
    } catch (ConnectException e) {
      throw new RemoteException("cannot connect to " + where() + ": " + e.getMessage()
          + " (is 'sbx daemon --listen' running there, and the port right?)", e);
    } catch (UnknownHostException e) {
      throw new RemoteException("cannot resolve the host of " + where(), e);
    } catch (SocketTimeoutException e) {
      throw new RemoteException("no answer from " + where() + " in time", e);
    } catch (tools.jackson.core.JacksonException e) {
      throw new IOException("the answer of " + where() + " is not JSON", e);
    }
  }

  /** Opens a connection and writes one request (with the bearer token when remote); the caller reads the answer. */
  private Connection send(String method, String path, java.util.Map<String, String> headers, byte[] body)
      throws IOException {
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(remote == null ? "sbx" : remote.url().getAuthority()).append("\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\n");
    if (remote != null && remote.token() != null) {
      head.append("Authorization: Bearer ").append(remote.token()).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    Connection c = open();
    try {
      OutputStream out = c.out();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * An upgraded connection ({@code 101 Switching Protocols}), or the answer that refused it. The
   * caller owns it and closes it.
   */
  public static final class Upgraded implements Closeable {
    private final Reply refused;
    private final InputStream in;
    private final OutputStream out;
    private final Closeable connection;

    private Upgraded(Reply refused, InputStream in, OutputStream out, Closeable connection) {
      this.refused = refused;
      this.in = in;
      this.out = out;
      this.connection = connection;
    }

    /** The daemon's ordinary answer when it did not switch protocols (an error, a 404, an old daemon). */
    public java.util.Optional<Reply> refused() {
      return java.util.Optional.ofNullable(refused);
    }

    public InputStream in() {
      return in;
    }

    public OutputStream out() {
      return out;
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  /**
   * {@code POST path} with {@code Upgrade: protocol}: on 101 the connection stays open for the
   * protocol's bytes (reads and writes may come from two threads; no read timeout, a session may
   * be idle for long); any other answer is returned as {@link Upgraded#refused()}.
   */
  public Upgraded upgrade(String path, String jsonBody, String protocol) throws IOException {
    byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(remote == null ? "sbx" : remote.url().getAuthority()).append("\r\n")
        .append("Connection: Upgrade\r\nUpgrade: ").append(protocol).append("\r\n")
        .append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
    if (remote != null && remote.token() != null) {
      head.append("Authorization: Bearer ").append(remote.token()).append("\r\n");
    }
    head.append("\r\n");
    Connection c = open();
    try {
      c.out().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      c.out().write(body);
      c.out().flush();
      String answerHead = readHead(c.in());
      if (!answerHead.startsWith("HTTP/1.1 ") || answerHead.length() < 12) {
        throw new IOException("not an HTTP answer from " + where());
      }
      int status = Integer.parseInt(answerHead.substring(9, 12));
      if (status == 101) {
        if (c.closer() instanceof Socket socket) {
          socket.setSoTimeout(0);
        }
        return new Upgraded(null, c.in(), c.out(), c);
      }
      String text = new String(c.in().readAllBytes(), StandardCharsets.UTF_8);
      Reply reply = new Reply(status, text.isEmpty() ? JSON.nullNode() : JSON.readTree(text));
      c.close();
      if (remote != null && (status == 401 || status == 403)) {
        throw new RemoteException(where() + " refused the request (" + status + "): " + errorText(reply)
            + (status == 401 && remote.token() == null ? "; no token given: set SBX_TOKEN or --token-file FILE" : ""), null);
      }
      return new Upgraded(reply, null, null, () -> {});
    } catch (SocketTimeoutException e) {
      c.close();
      throw new RemoteException("no answer from " + where() + " in time", e);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** A plain-text answer (e.g. {@code GET /metrics}): status and body. */
  public record TextReply(int status, String body) {}

  public TextReply text(String method, String path) throws IOException {
    try (Connection c = send(method, path, java.util.Map.of(), new byte[0])) {
      String all = new String(c.in().readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      if (!all.startsWith("HTTP/1.1 ") || split < 0) {
        throw new IOException("not an HTTP answer from " + where());
      }
      return new TextReply(Integer.parseInt(all.substring(9, 12)), all.substring(split + 4));
    }
  }

  /**
   * A streamed answer ({@code GET /v1/events}): hands each line to {@code onLine} until it returns
   * false or the daemon ends the stream; returns the HTTP status (non-200: the error body is one line).
   */
  public int stream(String path, java.util.function.Predicate<String> onLine) throws IOException {
    try (Connection c = send("GET", path, java.util.Map.of(), new byte[0])) {
      InputStream in = new java.io.BufferedInputStream(c.in());
      String status = readLine(in);
      if (status == null || !status.startsWith("HTTP/1.1 ")) {
        throw new IOException("not an HTTP answer from " + where());
      }
      int code = Integer.parseInt(status.substring(9, 12));
      boolean chunked = false;
      for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
        chunked |= h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:") && h.contains("chunked");
      }
      if (!chunked) {
        onLine.test(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        return code;
      }
      StringBuilder pending = new StringBuilder();
      while (true) {
        String size = readLine(in);
        if (size == null) {
          return code;
        }
        int n = Integer.parseInt(size.strip(), 16);
        if (n == 0) {
          return code;
        }
        pending.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
        readLine(in); // the CRLF after the chunk
        int nl;
        while ((nl = pending.indexOf("\n")) >= 0) {
          String line = pending.substring(0, nl);
          pending.delete(0, nl + 1);
          if (!onLine.test(line)) {
            return code;
          }
        }
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) b);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** The answer's head up to the blank line, read byte by byte so nothing after it is consumed. */
  private String readHead(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
    while (head.size() < 16 * 1024) {
      int b = in.read();
      if (b < 0) {
        throw new IOException(where() + " closed the connection before answering");
      }
      head.write(b);
      int n = head.size();
      byte[] a = head.toByteArray();
      if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    throw new IOException("the answer head of " + where() + " is too long");
  }

  private static String tlsHint() {
    return "; trust the daemon's certificate with --ca-cert FILE (its STATE/api-tls/server.pem) or"
        + " --tls-fingerprint SHA256 (printed by 'sbx daemon --listen')";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  private record Connection(InputStream in, OutputStream out, Closeable closer) implements Closeable {
    @Override
    public void close() throws IOException {
      closer.close();
    }
  }

  private Connection open() throws IOException {
    if (remote == null) {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      return new Connection(ChannelStreams.input(ch), ChannelStreams.output(ch), ch);
    }
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(remote.host(), remote.port()), CONNECT_TIMEOUT_MS);
      plain.setSoTimeout(READ_TIMEOUT_MS);
      SSLSocket tls = (SSLSocket) remote.tls().getSocketFactory().createSocket(plain, remote.host(), remote.port(), true);
      tls.setEnabledProtocols(ApiTls.PROTOCOLS);
      SSLParameters params = tls.getSSLParameters();
      if (remote.verifyHostName()) {
        params.setEndpointIdentificationAlgorithm("HTTPS");
      }
      if (!remote.host().contains(":") && !remote.host().matches("[0-9.]+")) {
        params.setServerNames(List.of(new SNIHostName(remote.host().toLowerCase(Locale.ROOT))));
      }
      tls.setSSLParameters(params);
      tls.startHandshake();
      return new Connection(tls.getInputStream(), tls.getOutputStream(), tls);
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  /** Posts a request that answers with an {@link Outcome}. */
  public Outcome outcome(String path, String jsonBody) throws IOException {
    Reply r = call("POST", path, jsonBody);
    if (r.status() != 200) {
      throw new IOException("daemon answered " + r.status() + ": " + errorText(r));
    }
    return new Outcome(r.body().get("exitCode").asInt(), r.body().get("stdout").asString(),
        r.body().get("stderr").asString());
  }

  /** The {@code error} of an error answer, or the body. */
  public static String errorText(Reply r) {
    JsonNode b = r.body();
    return b != null && b.has("error") ? b.get("error").asString() : String.valueOf(b);
  }
}

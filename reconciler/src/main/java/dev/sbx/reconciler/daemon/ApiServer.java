package dev.sbx.reconciler.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP/1.1 server on a unix socket (JDK {@code UnixDomainSocketAddress}; the JDK's
 * HttpServer cannot listen there): one request per connection ({@code Connection: close}),
 * {@code Content-Length} bodies only, JSON in and out. The socket is 0600 inside the 0700 state
 * directory, so only its user can talk to the daemon.
 */
final class ApiServer implements AutoCloseable {
  private static final int MAX_HEAD = 16 * 1024;
  private static final int MAX_BODY = 16 * 1024 * 1024;

  /**
   * Handles one request; returns the status and the JSON body. Routes that need the headers (the
   * webhooks check a signature) override {@link #handle(Request)}.
   */
  interface Handler {
    Response handle(String method, String path, String body);

    default Response handle(Request request) {
      return handle(request.method(), request.path(), request.body());
    }

    /**
     * A route that takes the connection over instead of answering once (the exec stream, see
     * {@link ExecStreamRoutes}); empty for every ordinary request.
     */
    default java.util.Optional<Upgrade> upgrade(Request request) {
      return java.util.Optional.empty();
    }
  }

  /** Serves a connection after its request was read: writes its own answer, then may keep talking. */
  interface Upgrade {
    void serve(InputStream in, OutputStream out) throws IOException;
  }

  /** One parsed request; header names are lower case. */
  record Request(String method, String path, Map<String, String> headers, String body) {
    Request {
      headers = Map.copyOf(headers);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A request the server answers itself (bad request line, body too large) without the handler. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    final transient Response response;

    Refused(Response response) {
      super(response.json());
      this.response = response;
    }
  }

  /**
   * An answer: JSON by default; {@code contentType} for others (Prometheus text); a {@code stream}
   * is sent chunked, one chunk per line, until it returns (a live event stream).
   */
  record Response(int status, String json, String contentType, Stream stream) {
    Response(int status, String json) {
      this(status, json, "application/json", null);
    }

    static Response text(int status, String text, String contentType) {
      return new Response(status, text, contentType, null);
    }

    static Response streaming(String contentType, Stream stream) {
      return new Response(200, "", contentType, stream);
    }
  }

  /** Writes a streamed body line by line; returns when done or when the client went away (a write throws). */
  interface Stream {
    void run(LineSink sink) throws IOException;
  }

  /** Sends one line (a newline is added) as its own chunk, flushed at once. */
  interface LineSink {
    void line(String line) throws IOException;
  }

  private final Path socket;
  private final ServerSocketChannel server;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sbx-api");
    t.setDaemon(true);
    return t;
  });
  private final Thread acceptor;

  ApiServer(Path socket, Handler handler) throws IOException {
    this.socket = socket;
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    acceptor = new Thread(() -> acceptLoop(handler), "sbx-api-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop(Handler handler) {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        workers.execute(() -> serve(client, handler));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void serve(SocketChannel client, Handler handler) {
    try (client; InputStream in = Channels.newInputStream(client); OutputStream out = Channels.newOutputStream(client)) {
      Request request;
      try {
        request = read(in);
      } catch (Refused r) {
        write(out, r.response, Map.of());
        return;
      }
      var upgrade = handler.upgrade(request);
      if (upgrade.isPresent()) {
        upgrade.get().serve(ChannelStreams.input(client), ChannelStreams.output(client)); // duplex-safe streams
        return;
      }
      write(out, dispatch(handler, request), Map.of());
    } catch (IOException | RuntimeException e) {
      // the client went away or sent garbage; nothing to answer
    }
  }

  /** The handler's answer; an exception it throws is a 500 with its message, not a dropped connection. */
  static Response dispatch(Handler handler, Request request) {
    try {
      return handler.handle(request);
    } catch (RuntimeException e) {
      return new Response(500, "{\"error\":" + quote(String.valueOf(e)) + "}");
    }
  }

  /** Reads one request: head, then a {@code Content-Length} body. */
  static Request read(InputStream in) throws IOException {
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      throw new Refused(new Response(400, "{\"error\":\"bad request line\"}"));
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    int length;
    try {
      length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    } catch (NumberFormatException e) {
      throw new Refused(new Response(400, "{\"error\":\"bad Content-Length\"}"));
    }
    if (length < 0 || length > MAX_BODY) {
      throw new Refused(new Response(413, "{\"error\":\"body too large\"}"));
    }
    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    return new Request(requestLine[0], requestLine[1], headers, body);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0 || head.size() > MAX_HEAD) {
        throw new IOException("incomplete request head");
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
          : b == '\r' ? 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  static void write(OutputStream out, Response r, Map<String, String> extraHeaders) throws IOException {
    if (r.stream() != null) {
      writeChunked(out, r);
      return;
    }
    byte[] body = r.json().getBytes(StandardCharsets.UTF_8);
    StringBuilder extra = new StringBuilder();
    extraHeaders.forEach((k, v) -> extra.append(k).append(": ").append(v).append("\r\n"));
    String head = "HTTP/1.1 " + r.status() + " " + (r.status() < 400 ? "OK" : "Error") + "\r\n"
        + "Content-Type: " + r.contentType() + "\r\nContent-Length: " + body.length + "\r\n" + extra
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static void writeChunked(OutputStream out, Response r) throws IOException {
    String head = "HTTP/1.1 " + r.status() + " OK\r\nContent-Type: " + r.contentType()
        + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    r.stream().run(line -> {
      byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
      out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    });
    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  static String quote(String s) {
    return tools.jackson.databind.json.JsonMapper.shared().writeValueAsString(s);
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException ignored) {
      // best effort
    }
    workers.shutdown(); // let answers in flight (e.g. the one to /v1/shutdown) finish
    try {
      workers.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

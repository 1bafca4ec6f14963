package dev.sbx.reconciler.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The CLI's side of the local API: one HTTP/1.1 request per connection over the unix socket. */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path socket;

  public ApiClient(Path socket) {
    this.socket = socket;
  }

  public Path socket() {
    return socket;
  }

  /** True when a daemon answers on the socket. */
  public boolean reachable() {
    try {
      return call("GET", "/v1/version", "").status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** A response: status and parsed JSON body. */
  public record Reply(int status, JsonNode body) {}

  public Reply call(String method, String path, String jsonBody) throws IOException {
    return call(method, path, java.util.Map.of("Content-Type", "application/json"),
        jsonBody.getBytes(StandardCharsets.UTF_8));
  }

  /** A request with extra headers and a raw body (a webhook delivery carries its signature in a header). */
  public Reply call(String method, String path, java.util.Map<String, String> headers, byte[] body)
      throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      OutputStream out = Channels.newOutputStream(ch);
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: sbx\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = Channels.newInputStream(ch);
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      if (!all.startsWith("HTTP/1.1 ") || split < 0) {
        throw new IOException("not an HTTP answer from " + socket);
      }
      int status = Integer.parseInt(all.substring(9, 12));
      String text = all.substring(split + 4);
      return new Reply(status, text.isEmpty() ? JSON.nullNode() : JSON.readTree(text));
    }
  }

  /** A plain-text answer (e.g. {@code GET /metrics}): status and body. */
  public record TextReply(int status, String body) {}

  public TextReply text(String method, String path) throws IOException {
    try (SocketChannel ch = open(method, path, new byte[0])) {
      String all = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      if (!all.startsWith("HTTP/1.1 ") || split < 0) {
        throw new IOException("not an HTTP answer from " + socket);
      }
      return new TextReply(Integer.parseInt(all.substring(9, 12)), all.substring(split + 4));
    }
  }

  /**
   * A streamed answer ({@code GET /v1/events}): hands each line to {@code onLine} until it returns
   * false or the daemon ends the stream; returns the HTTP status (non-200: the error body is one line).
   */
  public int stream(String path, java.util.function.Predicate<String> onLine) throws IOException {
    try (SocketChannel ch = open("GET", path, new byte[0])) {
      InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(ch));
      String status = readLine(in);
      if (status == null || !status.startsWith("HTTP/1.1 ")) {
        throw new IOException("not an HTTP answer from " + socket);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      boolean chunked = false;
      for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
        chunked |= h.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:") && h.contains("chunked");
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

  private SocketChannel open(String method, String path, byte[] body) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
      OutputStream out = Channels.newOutputStream(ch);
      String head = method + " " + path + " HTTP/1.1\r\nHost: sbx\r\nContent-Length: " + body.length
          + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return ch;
    } catch (IOException e) {
      ch.close();
      throw e;
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

  /** Posts a request that answers with an {@link Outcome}. */
  public Outcome outcome(String path, String jsonBody) throws IOException {
    Reply r = call("POST", path, jsonBody);
    if (r.status() != 200) {
      throw new IOException("daemon answered " + r.status() + ": " + r.body());
    }
    return new Outcome(r.body().get("exitCode").asInt(), r.body().get("stdout").asString(),
        r.body().get("stderr").asString());
  }
}

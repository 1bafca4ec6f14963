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
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      OutputStream out = Channels.newOutputStream(ch);
      byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + path + " HTTP/1.1\r\nHost: sbx\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
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

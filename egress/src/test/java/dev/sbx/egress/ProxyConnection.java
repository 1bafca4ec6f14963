package dev.sbx.egress;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw client connection to the proxy: sends exact bytes, reads whole responses. */
final class ProxyConnection implements AutoCloseable {
  record Response(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;

  ProxyConnection(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    socket.setSoTimeout(5000);
    in = new BufferedInputStream(socket.getInputStream());
  }

  ProxyConnection send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  ProxyConnection send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads one response; for a 200 to CONNECT (no framing headers) the body is empty. */
  Response read(boolean connect) throws IOException {
    String status = line();
    if (status == null) {
      return new Response(-1, Map.of(), "");
    }
    String[] parts = status.split(" ", 3);
    int code = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h; (h = line()) != null && !h.isEmpty(); ) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    String body = "";
    if (!(connect && code == 200) && code >= 200 && code != 204 && code != 304) {
      if (headers.containsKey("content-length")) {
        body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        StringBuilder sb = new StringBuilder();
        for (int size; (size = Integer.parseInt(line().trim(), 16)) > 0; ) {
          sb.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
          line();
        }
        line();
        body = sb.toString();
      } else {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return new Response(code, headers, body);
  }

  Response read() throws IOException {
    return read(false);
  }

  /** True when the proxy closed the connection (EOF) within the read timeout. */
  boolean closedByPeer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

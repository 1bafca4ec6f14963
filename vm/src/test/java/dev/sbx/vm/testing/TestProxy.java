package dev.sbx.vm.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the sandbox's egress proxy listener on host loopback: it reads one request head
 * per connection and answers 200 for {@code api.github.com}, else the proxy's 403. It records
 * the request lines it saw. Bounded: at most 50 connections, 2 s read timeout each.
 */
public final class TestProxy implements AutoCloseable {
  private final ServerSocket server;
  public final List<String> requests = new CopyOnWriteArrayList<>();
  private final Thread thread;

  public TestProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread = new Thread(this::serve, "test-proxy");
    thread.setDaemon(true);
    thread.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void serve() {
    for (int i = 0; i < 50 && !server.isClosed(); i++) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(2000);
        String head = readHead(s.getInputStream());
        String first = head.lines().findFirst().orElse("");
        requests.add(first);
        String response = first.contains("api.github.com")
            ? "HTTP/1.1 200 OK\r\nContent-Length: 17\r\nConnection: close\r\n\r\nhello from proxy\n"
            : "HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n"
                + "Blocked by network policy: domain example.com:80\nrule: default deny\n";
        s.getOutputStream().write(response.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
      } catch (IOException e) {
        // next connection
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    var out = new ByteArrayOutputStream();
    try {
      int c;
      while ((c = in.read()) >= 0 && out.size() < 8192) {
        out.write(c);
        if (out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      // answer what we have
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

package dev.sbx.egress;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 origin on a loopback address that records every connection and request it
 * gets, and answers each request with {@code 200 upstream saw HOST PATH}. Keep-alive, CL and
 * chunked request bodies. Test infrastructure.
 */
final class RecordingUpstream implements AutoCloseable {
  record Request(String requestLine, String host, int bodyLength, List<String> headerNames) {}

  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  RecordingUpstream(String address) throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 128);
    acceptor = new Thread(this::acceptLoop, "upstream-" + address);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "upstream-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(20_000);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
          return;
        }
        String host = "";
        long contentLength = 0;
        boolean chunked = false;
        List<String> names = new java.util.ArrayList<>();
        for (String h; !(h = line(in)).isEmpty(); ) {
          int colon = h.indexOf(':');
          String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          names.add(name);
          String value = h.substring(colon + 1).trim();
          switch (name) {
            case "host" -> host = value;
            case "content-length" -> contentLength = Long.parseLong(value);
            case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
            default -> { }
          }
        }
        int body = 0;
        if (chunked) {
          while (true) {
            int size = Integer.parseInt(line(in).trim(), 16);
            body += size;
            in.readNBytes(size);
            line(in);
            if (size == 0) {
              break;
            }
          }
        } else {
          body = in.readNBytes((int) contentLength).length;
        }
        requests.add(new Request(requestLine, host, body, List.copyOf(names)));
        String path = requestLine.split(" ")[1];
        byte[] payload = ("upstream saw " + host + " " + path).getBytes(StandardCharsets.UTF_8);
        if (path.startsWith("/chunked")) {
          out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(payload.length)
              + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(payload);
          out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else if (path.startsWith("/close")) {
          out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.write(payload);
          out.flush();
          return;
        } else {
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Hop: x\r\nConnection: X-Hop\r\n"
              + "Content-Length: " + payload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          if (!requestLine.startsWith("HEAD ")) {
            out.write(payload);
          }
        }
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // The connection ends; what was received is recorded.
    }
  }

  private static String line(InputStream in) throws IOException {
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
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}

package dev.sbx.egress.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A raw client as a sandbox would be: CONNECT through the proxy, then TLS with an SNI of our
 * choosing (or none) and hand-written HTTP/1.1, so every spelling can be tested exactly.
 */
final class TunnelClient implements AutoCloseable {

  /** One response. */
  record Response(int status, Map<String, String> headers, String body) {}

  final SSLSocket tls;
  final String connectStatus;
  private final InputStream in;
  private final OutputStream out;

  private TunnelClient(SSLSocket tls, String connectStatus) throws IOException {
    this.tls = tls;
    this.connectStatus = connectStatus;
    this.in = tls.getInputStream();
    this.out = tls.getOutputStream();
  }

  static SSLContext trusting(List<X509Certificate> roots) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    for (int i = 0; i < roots.size(); i++) {
      ks.setCertificateEntry("r" + i, roots.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** CONNECT to {@code authority} via the proxy and handshake with {@code sni} (null = no SNI). */
  static TunnelClient open(int proxyPort, String authority, String sni, List<X509Certificate> roots) throws IOException {
    try {
      return open(proxyPort, authority, sni, trusting(roots));
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong CONNECTIONS = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Like the other open, with a shared context. Each connection gets a unique session-cache key,
   * so no TLS session is resumed (a resumed session would reuse another connection's SNI).
   */
  static TunnelClient open(int proxyPort, String authority, String sni, SSLContext trust) throws IOException {
    Socket socket = new Socket("127.0.0.1", proxyPort);
    socket.setSoTimeout(10_000);
    OutputStream raw = socket.getOutputStream();
    raw.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    raw.flush();
    String head = readHead(socket.getInputStream());
    String status = head.split("\r\n")[0];
    if (!status.contains(" 200 ")) {
      socket.close();
      throw new IOException("CONNECT refused: " + status);
    }
    SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(socket,
        "c" + CONNECTIONS.incrementAndGet() + ".invalid", socket.getPort(), true);
    SSLParameters p = tls.getSSLParameters();
    List<SNIServerName> names = new ArrayList<>();
    if (sni != null) {
      names.add(new SNIHostName(sni));
    }
    p.setServerNames(names);
    tls.setSSLParameters(p);
    tls.startHandshake();
    return new TunnelClient(tls, status);
  }

  Response send(String method, String target, Map<String, String> headers) throws IOException {
    return send(method, target, headers, new byte[0]);
  }

  Response send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
    StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    if (body.length > 0) {
      req.append("Content-Length: ").append(body.length).append("\r\n");
    }
    req.append("\r\n");
    out.write(req.toString().getBytes(StandardCharsets.UTF_8));
    out.write(body);
    out.flush();
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      h.put(lines[i].substring(0, c).trim().toLowerCase(), lines[i].substring(c + 1).trim());
    }
    int length = Integer.parseInt(h.getOrDefault("content-length", "0"));
    byte[] responseBody = in.readNBytes(length);
    return new Response(status, h, new String(responseBody, StandardCharsets.ISO_8859_1));
  }

  X509Certificate peerCertificate() throws IOException {
    return (X509Certificate) tls.getSession().getPeerCertificates()[0];
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + buf.size() + " bytes: " + buf);
      }
      buf.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
          : (b == '\r' ? 1 : 0);
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    tls.close();
  }
}

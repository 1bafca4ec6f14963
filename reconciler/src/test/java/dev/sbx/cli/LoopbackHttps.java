package dev.sbx.cli;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Loopback HTTPS pieces for end-to-end tests: an upstream with its own test CA, and a raw tunnel client. */
final class LoopbackHttps {

  private LoopbackHttps() {}

  /** A JDK HTTPS server on 127.0.0.1 whose certificate (from its own CA) names {@code names}; records request headers. */
  static final class Upstream implements AutoCloseable {
    final X509Certificate ca;
    final BlockingQueue<Map<String, List<String>>> received = new LinkedBlockingQueue<>();
    private final HttpsServer server;

    Upstream(String... names) throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(256);
      KeyPair caKeys = g.generateKeyPair();
      KeyPair leafKeys = g.generateKeyPair();
      Instant now = Instant.now();
      X500Name caName = new X500Name("CN=upstream test CA");
      ca = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(2))), caName, caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
      GeneralName[] sans = java.util.Arrays.stream(names)
          .map(n -> new GeneralName(n.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, n))
          .toArray(GeneralName[]::new);
      X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(caName,
          BigInteger.TWO, Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(2))),
          new X500Name("CN=" + names[0]), leafKeys.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("leaf", leafKeys.getPrivate(), new char[0], new Certificate[] {leaf, ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(ctx));
      server.createContext("/", exchange -> {
        received.add(Map.copyOf(exchange.getRequestHeaders()));
        exchange.getRequestBody().readAllBytes();
        byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** CONNECT through the proxy, TLS with SNI {@code host}, one GET with {@code headers}; returns the response head + body. */
  static String get(int proxyPort, String host, int port, Map<String, String> headers, List<X509Certificate> roots)
      throws Exception {
    try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
      socket.setSoTimeout(10_000);
      String authority = host + ":" + port;
      socket.getOutputStream().write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String head = readHead(socket.getInputStream());
      if (!head.startsWith("HTTP/1.1 200")) {
        throw new IOException("CONNECT refused: " + head);
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      for (int i = 0; i < roots.size(); i++) {
        ks.setCertificateEntry("r" + i, roots.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(socket, host, port, true);
      SSLParameters p = tls.getSSLParameters();
      p.setServerNames(host.matches("[0-9.]+") ? List.of() : List.of(new SNIHostName(host)));
      p.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(p);
      StringBuilder req = new StringBuilder("GET / HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      OutputStream out = tls.getOutputStream();
      out.write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = tls.getInputStream();
      String responseHead = readHead(in);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(responseHead);
      int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
      return responseHead + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    while (!buf.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      buf.write(b);
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }
}

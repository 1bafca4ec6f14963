package dev.sbx.egress.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain-HTTP forward requests through the real proxy: injection only where the binding allows plaintext. */
class PlainHttpInjectionIT {

  static final String PLACEHOLDER = "sbx-cs-PLAINplainPLAINplain0000";

  @TempDir Path tmp;

  @Test
  void plaintextInjectionOnlyWhenTheBindingAllowsIt() throws Exception {
    BlockingQueue<Map<String, List<String>>> received = new LinkedBlockingQueue<>();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      received.add(Map.copyOf(ex.getRequestHeaders()));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    upstream.start();
    int port = upstream.getAddress().getPort();
    InjectedSecret token = InjectedSecret.ofUtf8("real-token-0123456789".getBytes(StandardCharsets.UTF_8));
    CredentialResolver resolver = (sandbox, host, p) -> switch (host) {
      case "opted-in.test" -> List.of(new Injection.SetHeader("svc", "x-api-key", "%s", token, true));
      case "default.test" -> List.of(new Injection.SetHeader("svc", "x-api-key", "%s", token, false),
          new Injection.ReplacePlaceholder("custom", PLACEHOLDER, token, false));
      default -> List.of();
    };
    TlsInterceptor interceptor = new TlsInterceptor(new LeafCache(CertificateAuthority.loadOrCreate(tmp)),
        UpstreamTls.systemTrust(), resolver, InterceptionListener.NONE);
    try (LoopbackProxy proxy = new LoopbackProxy("dev", interceptor, "127.0.0.1:" + port, "opted-in.test",
        "default.test")) {
      assertEquals(204, get(proxy.port(), "opted-in.test", port));
      assertEquals(List.of("real-token-0123456789"), received.poll(10, TimeUnit.SECONDS).get("X-api-key"));
      assertEquals(204, get(proxy.port(), "default.test", port));
      Map<String, List<String>> plain = received.poll(10, TimeUnit.SECONDS);
      assertEquals(List.of("proxy-managed"), plain.get("X-api-key"), "fails closed: the sentinel arrives unchanged");
      assertEquals(List.of("Bearer " + PLACEHOLDER), plain.get("Authorization"));
    } finally {
      upstream.stop(0);
    }
  }

  static int get(int proxyPort, String host, int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxyPort)) {
      s.setSoTimeout(10_000);
      String authority = host + ":" + port;
      s.getOutputStream().write(("GET http://" + authority + "/v1 HTTP/1.1\r\nHost: " + authority
          + "\r\nx-api-key: proxy-managed\r\nAuthorization: Bearer " + PLACEHOLDER + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertTrue(status.startsWith("HTTP/1.1 "), status);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}

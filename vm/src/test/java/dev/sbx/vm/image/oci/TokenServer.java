package dev.sbx.vm.image.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal Docker token service (the realm of a registry's Bearer challenge) on 127.0.0.1: checks
 * one user's Basic credentials and issues RS256 JWTs with an {@code x5c} header, which the real
 * registry verifies against the certificate given as its {@code rootcertbundle}. The key pair is made
 * with the JDK's keytool.
 */
final class TokenServer implements AutoCloseable {
  static final String ISSUER = "sbx-test-issuer";
  static final String SERVICE = "sbx-test-registry";

  private final HttpServer server;
  private final PrivateKey key;
  private final X509Certificate cert;
  private final Path certPem;
  private final String user;
  private final String password;
  /** Each request: whether it carried valid credentials, and the scopes asked. */
  final List<String> requests = new CopyOnWriteArrayList<>();

  TokenServer(Path dir, String user, String password) {
    this.user = user;
    this.password = password;
    try {
      Files.createDirectories(dir);
      Path ks = dir.resolve("token.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      LocalRegistry.run(List.of(keytool, "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048",
          "-dname", "CN=sbx-test-token", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
          "-storepass", "changeit", "-keypass", "changeit"), Duration.ofMinutes(1));
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (FileInputStream in = new FileInputStream(ks.toFile())) {
        store.load(in, "changeit".toCharArray());
      }
      key = (PrivateKey) store.getKey("token", "changeit".toCharArray());
      cert = (X509Certificate) store.getCertificate("token");
      certPem = dir.resolve("token-cert.pem");
      Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n");
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      server.createContext("/token", this::token);
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** The registry's {@code auth:} section for this token service. */
  String registryAuthYaml() {
    return "  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
        + "\n    rootcertbundle: " + certPem + "\n";
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      List<String> scopes = new ArrayList<>();
      String query = ex.getRequestURI().getRawQuery();
      if (query != null) {
        for (String kv : query.split("&")) {
          if (kv.startsWith("scope=")) {
            scopes.add(URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8));
          }
        }
      }
      boolean ok = expected.equals(auth);
      requests.add((auth == null ? "anonymous" : ok ? "valid" : "invalid") + " " + scopes);
      if (!ok) {
        ex.sendResponseHeaders(401, -1);
        return;
      }
      List<Map<String, Object>> access = new ArrayList<>();
      for (String s : scopes) {
        int first = s.indexOf(':');
        int last = s.lastIndexOf(':');
        if (first < 0 || last <= first) {
          continue;
        }
        access.add(Map.of("type", s.substring(0, first), "name", s.substring(first + 1, last),
            "actions", List.of(s.substring(last + 1).split(","))));
      }
      byte[] body = OciLayoutWriter.json(Map.of("token", jwt(access), "expires_in", 300));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    }
  }

  private String jwt(List<Map<String, Object>> access) {
    try {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header.put("x5c", List.of(Base64.getEncoder().encodeToString(cert.getEncoded())));
      long now = Instant.now().getEpochSecond();
      Map<String, Object> claims = new LinkedHashMap<>();
      claims.put("iss", ISSUER);
      claims.put("sub", user);
      claims.put("aud", SERVICE);
      claims.put("exp", now + 300);
      claims.put("nbf", now - 10);
      claims.put("iat", now);
      claims.put("jti", UUID.randomUUID().toString());
      claims.put("access", access);
      String signingInput = b64.encodeToString(OciLayoutWriter.json(header)) + "." + b64.encodeToString(OciLayoutWriter.json(claims));
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initSign(key);
      sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(sig.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

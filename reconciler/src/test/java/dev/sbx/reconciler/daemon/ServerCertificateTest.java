package dev.sbx.reconciler.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote API's TLS material and configuration parsing (the handshake itself: RemoteApiIT). */
class ServerCertificateTest {
  @TempDir Path state;

  @Test
  void generatedOncePerInstallationForLoopbackAndTheGivenNamesWithAPrivateKey() throws Exception {
    ServerCertificate first = ServerCertificate.loadOrCreate(state, List.of("sbx.example.com"));
    var sans = ServerCertificate.sanNames(first.leaf());
    assertTrue(sans.containsAll(List.of("localhost", "127.0.0.1", "::1", "sbx.example.com")), sans.toString());
    Path key = state.resolve("api-tls/server.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));

    ServerCertificate again = ServerCertificate.loadOrCreate(state, List.of("sbx.example.com"));
    assertEquals(first.fingerprint(), again.fingerprint(), "same names: the same certificate");
    ServerCertificate other = ServerCertificate.loadOrCreate(state, List.of("ci.example.com"));
    assertNotEquals(first.fingerprint(), other.fingerprint(), "other names: a new certificate");
    assertTrue(ServerCertificate.sanNames(other.leaf()).contains("ci.example.com"));
  }

  @Test
  void fingerprintIsTheSha256OfTheCertificateAndAcceptsCommonSpellings() {
    ServerCertificate cert = ServerCertificate.loadOrCreate(state, List.of());
    String fp = cert.fingerprint();
    assertTrue(fp.matches("([0-9a-f]{2}:){31}[0-9a-f]{2}"), fp);
    String hex = fp.replace(":", "");
    assertEquals(hex, ApiTls.normalise(fp.toUpperCase()));
    assertEquals(hex, ApiTls.normalise("sha256/" + hex));
    assertThrows(IllegalArgumentException.class, () -> ApiTls.normalise("abcd"));
    assertThrows(IllegalArgumentException.class, () -> ApiTls.normalise(hex.substring(2) + "zz"));
  }

  @Test
  void givenPemFilesWithATraditionalRsaKeyAreUsedAsIs() throws Exception {
    var gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    var pair = gen.generateKeyPair();
    ServerCertificate selfSigned = ServerCertificate.selfSigned(java.util.Set.of("localhost"));
    Path certFile = state.resolve("c.pem");
    Files.write(certFile, ServerCertificate.pem(selfSigned.leaf()));
    Path keyFile = state.resolve("k.pem");
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(pair); // "BEGIN RSA PRIVATE KEY"
    }
    Files.writeString(keyFile, w.toString());
    assertTrue(w.toString().contains("RSA PRIVATE KEY"));
    var loaded = ServerCertificate.fromPem(certFile, keyFile);
    assertEquals("RSA", loaded.key().getAlgorithm());
    assertEquals(selfSigned.fingerprint(), loaded.fingerprint());

    Files.writeString(keyFile, "not a key");
    var e = assertThrows(IllegalArgumentException.class, () -> ServerCertificate.fromPem(certFile, keyFile));
    assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
  }

  @Test
  void listenAddressesDefaultToLoopback() {
    assertEquals(new InetSocketAddress("127.0.0.1", 7443), RemoteListen.parseAddress("7443"));
    assertEquals(new InetSocketAddress("127.0.0.1", 7443), RemoteListen.parseAddress(":7443"));
    assertEquals(new InetSocketAddress("0.0.0.0", 7443), RemoteListen.parseAddress("0.0.0.0:7443"));
    assertEquals(new InetSocketAddress("::1", 7443), RemoteListen.parseAddress("[::1]:7443"));
    assertThrows(IllegalArgumentException.class, () -> RemoteListen.parseAddress("::1:7443"));
    assertThrows(IllegalArgumentException.class, () -> RemoteListen.parseAddress("host:http"));
    assertThrows(IllegalArgumentException.class, () -> RemoteListen.parseAddress("70000"));
    assertThrows(IllegalArgumentException.class, () -> new RemoteListen(new InetSocketAddress(1),
        Optional.of(state.resolve("c")), Optional.empty(), List.of()));
  }
}

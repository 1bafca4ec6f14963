package dev.sbx.egress.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  @TempDir Path tmp;

  @Test
  void createsOwnerOnlyKeyAndReloadsTheSameCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(tmp.resolve("ca"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("ca/ca.key"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("ca"))));
    assertTrue(ca.pem().startsWith("-----BEGIN CERTIFICATE-----"));
    assertEquals(0, ca.certificate().getBasicConstraints(), "CA with pathLen 0");
    assertTrue(ca.certificate().getKeyUsage()[5], "keyCertSign");
    assertTrue(ca.certificate().getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints critical");
    ca.certificate().verify(ca.certificate().getPublicKey());
    CertificateAuthority again = CertificateAuthority.loadOrCreate(tmp.resolve("ca"));
    assertEquals(ca.certificate(), again.certificate());
    assertEquals(tmp.resolve("ca/ca.pem"), again.certificatePath());
  }

  @Test
  void refusesAKeyReadableByOthers() throws Exception {
    CertificateAuthority.loadOrCreate(tmp.resolve("ca"));
    Files.setPosixFilePermissions(tmp.resolve("ca/ca.key"), PosixFilePermissions.fromString("rw-r--r--"));
    TlsSetupException e = assertThrows(TlsSetupException.class, () -> CertificateAuthority.loadOrCreate(tmp.resolve("ca")));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void refusesAHalfPresentCa() throws Exception {
    CertificateAuthority.loadOrCreate(tmp.resolve("ca"));
    Files.delete(tmp.resolve("ca/ca.key"));
    assertThrows(TlsSetupException.class, () -> CertificateAuthority.loadOrCreate(tmp.resolve("ca")));
  }

  @Test
  void leavesCarrySanAkiAndShortValidityAndShareOneKey() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(tmp.resolve("ca"));
    LeafCache cache = new LeafCache(ca);
    X509Certificate name = cache.leaf("api.github.com");
    X509Certificate ip = cache.leaf("127.0.0.1");
    X509Certificate v6 = cache.leaf("::1");
    name.verify(ca.certificate().getPublicKey());
    assertEquals(List.of(List.of(2, "api.github.com")), sans(name));
    assertEquals(List.of(List.of(7, "127.0.0.1")), sans(ip));
    assertEquals(7, sans(v6).get(0).get(0));
    assertEquals(-1, name.getBasicConstraints(), "not a CA");
    assertTrue(name.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    byte[] aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(name.getExtensionValue("2.5.29.35")).getOctets())
        .getKeyIdentifier();
    byte[] caSki = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
        ca.certificate().getExtensionValue("2.5.29.14")).getOctets()).getKeyIdentifier();
    assertTrue(java.util.Arrays.equals(caSki, aki), "AKI names the CA key");
    assertTrue(name.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(8))));
    assertTrue(name.getNotBefore().toInstant().isBefore(Instant.now().minus(Duration.ofHours(23))));
    assertEquals(name.getPublicKey(), ip.getPublicKey(), "one shared leaf key");
    assertNotEquals(name.getSerialNumber(), ip.getSerialNumber());
  }

  @Test
  void cacheMintsOncePerHostAndStaysBounded() {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(tmp.resolve("ca"));
    LeafCache cache = new LeafCache(ca, 3);
    assertNotNull(cache.serverContext("a.example.com"));
    cache.serverContext("a.example.com");
    assertEquals(1, cache.mints());
    for (String h : List.of("b.example.com", "c.example.com", "d.example.com", "e.example.com")) {
      cache.serverContext(h);
    }
    assertEquals(3, cache.size());
    assertEquals(5, cache.mints());
    cache.serverContext("a.example.com");
    assertEquals(6, cache.mints(), "the evicted host is minted again");
  }

  private static List<List<?>> sans(X509Certificate c) throws Exception {
    Collection<List<?>> s = c.getSubjectAlternativeNames();
    return List.copyOf(s);
  }
}

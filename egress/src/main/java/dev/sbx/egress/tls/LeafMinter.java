package dev.sbx.egress.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mints leaf certificates for intercepted hosts. All leaves share ONE EC P-256 key made at start
 * (as mitmproxy and srt do): a new host then costs one ECDSA signature, not a key generation.
 * Each leaf has SAN = the host (DNS, or IP for literals), CN = the host when short enough,
 * {@code basicConstraints: not a CA} (critical), {@code keyUsage: digitalSignature} (critical),
 * {@code extendedKeyUsage: serverAuth}, SKI, and the authority key identifier that strict clients
 * (Python 3.13's VERIFY_X509_STRICT) require. Validity is short: a day back for clock skew, 7 days
 * ahead, never past the CA.
 */
final class LeafMinter {

  static final Duration VALIDITY = Duration.ofDays(7);

  private final CertificateAuthority ca;
  private final KeyPair leafKey;
  private final ContentSigner signer;
  private final JcaX509ExtensionUtils ext;

  LeafMinter(CertificateAuthority ca) {
    this.ca = ca;
    try {
      this.leafKey = CertificateAuthority.newEcKeyPair();
      this.signer = new JcaContentSignerBuilder(CertificateAuthority.SIGNATURE).build(ca.key());
      this.ext = new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot prepare leaf minting", e);
    }
  }

  PrivateKey leafKey() {
    return leafKey.getPrivate();
  }

  /** A leaf for one canonical host (name or IP literal). */
  X509Certificate mint(String host) {
    return mint(List.of(host));
  }

  /** A leaf for several names; the first is the CN. Synchronized: the shared signer is not thread-safe. */
  synchronized X509Certificate mint(List<String> hosts) {
    try {
      Instant now = Instant.now();
      Instant notAfter = now.plus(VALIDITY);
      Instant caEnd = ca.certificate().getNotAfter().toInstant();
      if (notAfter.isAfter(caEnd)) {
        notAfter = caEnd;
      }
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "sbx egress");
      if (hosts.get(0).length() < 64) {
        subject.addRDN(BCStyle.CN, hosts.get(0));
      }
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
          CertificateAuthority.serial(), Date.from(now.minus(Duration.ofDays(1))), Date.from(notAfter),
          subject.build(), leafKey.getPublic());
      GeneralName[] names = hosts.stream()
          .map(h -> isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h))
          .toArray(GeneralName[]::new);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKey.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot mint a leaf for " + hosts, e);
    }
  }

  static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }
}

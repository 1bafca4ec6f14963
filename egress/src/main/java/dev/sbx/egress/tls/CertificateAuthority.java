package dev.sbx.egress.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The per-installation interception CA: an EC P-256 key ({@code ca.key}, PKCS#8 PEM, 0600) and a
 * self-signed certificate ({@code ca.pem}, 0644, what sandboxes add to their trust bundle).
 * {@code basicConstraints: CA, pathLen 0} (critical), {@code keyUsage: keyCertSign, cRLSign}
 * (critical), a subject key identifier, ten years of validity. Created once on first use; later runs
 * load the same files so sandboxes keep trusting it.
 */
public final class CertificateAuthority {

  public static final String CERT_FILE = "ca.pem";
  public static final String KEY_FILE = "ca.key";
  static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Path certificatePath;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key, Path certificatePath) {
    this.certificate = certificate;
    this.key = key;
    this.certificatePath = certificatePath;
  }

  /** Loads the CA in {@code dir}, creating it (dir 0700, key 0600) when absent. */
  public static CertificateAuthority loadOrCreate(Path dir) {
    Path certFile = dir.resolve(CERT_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    try {
      if (Files.exists(certFile) && Files.exists(keyFile)) {
        return new CertificateAuthority(readCertificate(certFile), readKey(keyFile), certFile);
      }
      if (Files.exists(certFile) || Files.exists(keyFile)) {
        throw new TlsSetupException(dir, "only one of " + CERT_FILE + " and " + KEY_FILE + " exists",
            "restore the missing file, or remove both to create a new CA (sandboxes must then trust the new one)");
      }
      Files.createDirectories(dir);
      if (posix(dir)) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      CertificateAuthority ca = create(certFile);
      writeAtomically(keyFile, pem(ca.key), "rw-------");
      writeAtomically(certFile, ca.pem().getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
      return ca;
    } catch (IOException e) {
      throw new TlsSetupException(dir, "cannot read or write the interception CA: " + e.getMessage(),
          "check that the directory is writable by you");
    }
  }

  private static CertificateAuthority create(Path certFile) {
    try {
      KeyPair pair = newEcKeyPair();
      String id = HexFormat.of().formatHex(randomBytes(4));
      X500Name name = new X500Name("CN=sbx egress CA " + id + ",O=sbx");
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(pair.getPrivate())));
      return new CertificateAuthority(cert, pair.getPrivate(), certFile);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create the interception CA", e);
    }
  }

  static KeyPair newEcKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  static BigInteger serial() {
    return new BigInteger(1, randomBytes(16));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  PrivateKey key() {
    return key;
  }

  /** Where the certificate is, for trust bundles ({@code sbx egress ca}). */
  public Path certificatePath() {
    return certificatePath;
  }

  /** The certificate in PEM. */
  public String pem() {
    return new String(pem(certificate), StandardCharsets.US_ASCII);
  }

  private static byte[] pem(Object o) {
    if (o instanceof PrivateKey k) {
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(k.getEncoded());
      return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static X509Certificate readCertificate(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (CertificateException e) {
      throw new TlsSetupException(file, "is not a PEM certificate", "remove ca.pem and ca.key to create a new CA");
    }
  }

  private static PrivateKey readKey(Path file) throws IOException {
    if (posix(file)) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        throw new TlsSetupException(file, "permissions " + PosixFilePermissions.toString(perms) + " are too open for a CA key",
            "run: chmod 600 " + file);
      }
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    try {
      if (!text.startsWith(begin) || !text.endsWith(end)) {
        throw new IllegalArgumentException("no PKCS#8 PEM block");
      }
      byte[] der = Base64.getMimeDecoder().decode(text.substring(begin.length(), text.length() - end.length()));
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new TlsSetupException(file, "is not a PKCS#8 EC private key", "remove ca.pem and ca.key to create a new CA");
    }
  }

  private static void writeAtomically(Path target, byte[] bytes, String perms) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (posix(target.getParent())) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)));
    }
    Files.write(tmp, bytes);
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IllegalStateException("atomic rename not supported for " + target, e);
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + certificate.getSubjectX500Principal() + "]";
  }
}

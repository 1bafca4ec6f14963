package dev.sbx.reconciler.daemon;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The remote API's TLS identity: a certificate chain and its private key. Either given as PEM files
 * ({@code --tls-cert/--tls-key}: any chain a CA issued, EC or RSA key, PKCS#8 or traditional PEM),
 * or generated once per installation in {@code STATE/api-tls/} ({@code server.pem} 0644,
 * {@code server.key} 0600): a self-signed P-256 certificate for {@code localhost}, {@code
 * 127.0.0.1}, {@code ::1}, this host's name and any {@code --tls-san} names, regenerated when that
 * name set changes. Clients trust it with {@code --ca-cert STATE/api-tls/server.pem} or by pinning
 * its {@link #fingerprint()} ({@code --tls-fingerprint}). Deliberately not the egress interception
 * CA: that one is trusted inside every VM and must never vouch for the daemon itself.
 */
public record ServerCertificate(List<X509Certificate> chain, PrivateKey key) {
  public static final String DIR = "api-tls";
  public static final String CERT_FILE = "server.pem";
  public static final String KEY_FILE = "server.key";
  private static final Duration VALIDITY = Duration.ofDays(825);
  private static final SecureRandom RANDOM = new SecureRandom();

  public ServerCertificate {
    chain = List.copyOf(chain);
    Objects.requireNonNull(key, "key");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("empty certificate chain");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** SHA-256 of the leaf certificate's DER, lower-case hex with colons (what {@code --tls-fingerprint} takes). */
  public String fingerprint() {
    return fingerprint(leaf());
  }

  public static String fingerprint(X509Certificate cert) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash a certificate", e);
    }
  }

  /** Reads a PEM chain and key; {@link IllegalArgumentException} naming the file when unusable. */
  public static ServerCertificate fromPem(Path certFile, Path keyFile) {
    List<X509Certificate> chain = readCertificates(certFile);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(certFile + ": no PEM certificate in it");
    }
    return new ServerCertificate(chain, readKey(keyFile));
  }

  /**
   * The generated certificate of {@code stateDir}, made (or remade, when the names differ) as
   * needed. {@code extraNames} are host names or IP literals clients will use in {@code --host}.
   */
  public static ServerCertificate loadOrCreate(Path stateDir, Collection<String> extraNames) {
    Path dir = stateDir.resolve(DIR);
    Path certFile = dir.resolve(CERT_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    Set<String> names = names(extraNames);
    if (Files.isRegularFile(certFile) && Files.isRegularFile(keyFile)) {
      ServerCertificate existing = fromPem(certFile, keyFile);
      if (sanNames(existing.leaf()).equals(names)
          && existing.leaf().getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(30)))) {
        return existing;
      }
    }
    ServerCertificate made = selfSigned(names);
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      writeAtomically(keyFile, pem(made.key()), "rw-------");
      writeAtomically(certFile, pem(made.leaf()), "rw-r--r--");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the API certificate to " + dir, e);
    }
    return made;
  }

  /** {@code localhost}, the loopback addresses, this host's name, plus {@code extra}, sorted. */
  static Set<String> names(Collection<String> extra) {
    Set<String> names = new TreeSet<>(List.of("localhost", "127.0.0.1", "::1"));
    try {
      names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
    } catch (IOException e) {
      // no resolvable host name: loopback and the given names only
    }
    extra.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
    return names;
  }

  static Set<String> sanNames(X509Certificate cert) {
    Set<String> out = new TreeSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
          out.add(value.equals("0:0:0:0:0:0:0:1") ? "::1" : value);
        }
      }
    } catch (CertificateException e) {
      return Set.of();
    }
    return out;
  }

  static ServerCertificate selfSigned(Set<String> names) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair pair = gen.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=sbx daemon API");
      List<GeneralName> sans = new ArrayList<>();
      for (String n : new LinkedHashSet<>(names)) {
        sans.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
      }
      var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, RANDOM).add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return new ServerCertificate(List.of(cert), pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make the API certificate", e);
    }
  }

  static boolean isIpLiteral(String n) {
    return n.matches("[0-9.]+") || n.contains(":");
  }

  /** Every certificate in a PEM file (a chain, or the CA bundle a client trusts). */
  public static List<X509Certificate> readCertificates(Path file) {
    try (var in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + ": not a PEM certificate file (" + e.getMessage() + ")");
    }
  }

  static PrivateKey readKey(Path file) {
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IllegalArgumentException(file + ": no unencrypted PEM private key in it (PKCS#8, EC or RSA)");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read a PEM private key (" + e.getMessage() + ")");
    }
  }

  static byte[] pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", k.getEncoded()) : o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void writeAtomically(Path target, byte[] bytes, String perms) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)));
    Files.write(tmp, bytes);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}

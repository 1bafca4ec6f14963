package dev.sbx.reconciler.daemon;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for the remote API, both ends, JDK only. The server offers TLS 1.3 and 1.2. The client
 * trusts, in this order of precedence: a pinned SHA-256 fingerprint of the server's leaf
 * certificate (then no CA and no host name are checked: the pin is the identity), the
 * certificates of a CA file (with host name verification), or the JDK's default trust store.
 */
public final class ApiTls {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private ApiTls() {}

  /** How a client decides to trust the daemon's certificate. */
  public sealed interface Trust {
    /** The JDK's default CAs (a certificate from a public CA or one installed system-wide). */
    record SystemDefault() implements Trust {}

    /** The certificates in a PEM file ({@code --ca-cert}), e.g. {@code STATE/api-tls/server.pem}. */
    record CaFile(Path file) implements Trust {
      public CaFile {
        Objects.requireNonNull(file, "file");
      }
    }

    /** A pinned SHA-256 fingerprint of the leaf ({@code --tls-fingerprint}), any case, colons optional. */
    record Fingerprint(String sha256) implements Trust {
      public Fingerprint {
        sha256 = normalise(sha256);
      }
    }
  }

  /** The hex digits of a fingerprint, lower case; {@link IllegalArgumentException} if not 32 bytes of hex. */
  static String normalise(String fingerprint) {
    String hex = fingerprint.strip().toLowerCase(Locale.ROOT).replace(":", "");
    if (hex.startsWith("sha256/")) {
      hex = hex.substring(7);
    }
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a TLS fingerprint is the SHA-256 of the certificate: 64 hex digits"
          + " (colons allowed), as 'sbx daemon --listen' prints it");
    }
    return hex;
  }

  static SSLContext server(ServerCertificate identity) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] none = new char[0];
      ks.setKeyEntry("api", identity.key(), none, identity.chain().toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up TLS with the API certificate", e);
    }
  }

  /** The client context for {@code trust}; {@link IllegalArgumentException} for an unreadable CA file. */
  public static SSLContext client(Trust trust) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager[] managers = null; // SystemDefault: the JDK's trust store
      if (trust instanceof Trust.CaFile f) {
        managers = caFile(f.file());
      } else if (trust instanceof Trust.Fingerprint p) {
        managers = new TrustManager[] {new PinnedTrust(p.sha256())};
      }
      ctx.init(null, managers, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS", e);
    }
  }

  private static TrustManager[] caFile(Path file) throws GeneralSecurityException {
    List<X509Certificate> certs = ServerCertificate.readCertificates(file);
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(file + ": no PEM certificate in it");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < certs.size(); i++) {
      ks.setCertificateEntry("ca" + i, certs.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /** True when the client checks the host name (not with a pinned fingerprint). */
  static boolean verifiesHostName(Trust trust) {
    return !(trust instanceof Trust.Fingerprint);
  }

  /** Trusts exactly the certificate whose SHA-256 is pinned; a server-side manager it is not. */
  private static final class PinnedTrust extends X509ExtendedTrustManager {
    private final byte[] pin;

    PinnedTrust(String hex) {
      this.pin = HexFormat.of().parseHex(hex);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the server sent no certificate");
      }
      byte[] actual = HexFormat.of().parseHex(ServerCertificate.fingerprint(chain[0]).replace(":", ""));
      if (!java.security.MessageDigest.isEqual(pin, actual)) {
        throw new CertificateException("the server's certificate fingerprint "
            + ServerCertificate.fingerprint(chain[0]) + " is not the pinned one");
      }
      chain[0].checkValidity();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("not a server trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("not a server trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("not a server trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

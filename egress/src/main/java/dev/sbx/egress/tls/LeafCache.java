package dev.sbx.egress.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * Server-side TLS contexts for intercepted hosts, one per canonical host, minted on first contact
 * and kept in a bounded LRU (host names come from the sandbox, so the cache must not grow without
 * limit). Keyed by the canonical host the leaf was minted for, never by a CN. A leaf that has less
 * than a day left is minted again.
 */
public final class LeafCache {

  public static final int DEFAULT_CAPACITY = 256;
  private static final Duration RENEW_BEFORE = Duration.ofDays(1);

  private record Entry(SslContext context, X509Certificate leaf) {}

  private final LeafMinter minter;
  private final CertificateAuthority ca;
  private final Map<String, Entry> lru;
  private final AtomicLong mints = new AtomicLong();

  public LeafCache(CertificateAuthority ca, int capacity) {
    this.ca = ca;
    this.minter = new LeafMinter(ca);
    this.lru = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  public LeafCache(CertificateAuthority ca) {
    this(ca, DEFAULT_CAPACITY);
  }

  /** The server context presenting a leaf for {@code canonicalHost}, minting it if needed. */
  public SslContext serverContext(String canonicalHost) {
    return entry(canonicalHost).context();
  }

  /** The leaf presented for {@code canonicalHost} (mints it if needed). */
  public X509Certificate leaf(String canonicalHost) {
    return entry(canonicalHost).leaf();
  }

  /** How many leaves were minted so far (cache misses). */
  public long mints() {
    return mints.get();
  }

  public synchronized int size() {
    return lru.size();
  }

  private synchronized Entry entry(String host) {
    Entry e = lru.get(host);
    if (e != null && e.leaf().getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))) {
      return e;
    }
    X509Certificate leaf = minter.mint(host);
    mints.incrementAndGet();
    try {
      SslContext context = SslContextBuilder.forServer(minter.leafKey(), leaf, ca.certificate())
          .sslProvider(SslProvider.JDK)
          .build();
      e = new Entry(context, leaf);
      lru.put(host, e);
      return e;
    } catch (SSLException ex) {
      throw new IllegalStateException("cannot build a TLS context for a minted leaf", ex);
    }
  }
}

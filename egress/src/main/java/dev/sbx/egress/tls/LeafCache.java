package dev.sbx.egress.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * Leaf certificates for intercepted hosts, one per canonical host, minted on first contact and
 * kept in a bounded LRU (host names come from the sandbox, so the cache must not grow without
 * limit). Keyed by the canonical host the leaf was minted for, never by a CN. A leaf with less than
 * a day left is minted again. One server TLS context serves all hosts through {@link LeafKeyManager}.
 */
public final class LeafCache {

  public static final int DEFAULT_CAPACITY = 256;
  private static final Duration RENEW_BEFORE = Duration.ofDays(1);

  private final LeafMinter minter;
  private final Map<String, X509Certificate> lru;
  private final AtomicLong mints = new AtomicLong();
  private final SslContext serverContext;

  public LeafCache(CertificateAuthority ca, int capacity) {
    this.minter = new LeafMinter(ca);
    this.lru = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, X509Certificate> eldest) {
        return size() > capacity;
      }
    };
    try {
      this.serverContext = SslContextBuilder.forServer(new LeafKeyManager(this, ca.certificate(), minter.leafKey()))
          .sslProvider(SslProvider.JDK)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the interception TLS context", e);
    }
  }

  public LeafCache(CertificateAuthority ca) {
    this(ca, DEFAULT_CAPACITY);
  }

  /** The server context for intercepted connections; a leaf for {@code canonicalHost} is ready when this returns. */
  public SslContext serverContext(String canonicalHost) {
    leaf(canonicalHost);
    return serverContext;
  }

  /** A server-side TLS handler presenting the leaf of {@code canonicalHost}. */
  SslHandler newServerHandler(ByteBufAllocator alloc, String canonicalHost, int port) {
    return serverContext(canonicalHost).newHandler(alloc, canonicalHost, port);
  }

  /** The leaf presented for {@code canonicalHost} (minted if needed). */
  public synchronized X509Certificate leaf(String canonicalHost) {
    X509Certificate leaf = lru.get(canonicalHost);
    if (leaf != null && leaf.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))) {
      return leaf;
    }
    leaf = minter.mint(canonicalHost);
    mints.incrementAndGet();
    lru.put(canonicalHost, leaf);
    return leaf;
  }

  /** How many leaves were minted so far (cache misses). */
  public long mints() {
    return mints.get();
  }

  public synchronized int size() {
    return lru.size();
  }
}

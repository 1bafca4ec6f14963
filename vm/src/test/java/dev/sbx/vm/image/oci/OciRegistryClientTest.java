package dev.sbx.vm.image.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a scripted registry on 127.0.0.1 (JDK HttpServer), for what a real registry
 * will not do on demand: cut a transfer, redirect to another host, send too much, fail with 5xx.
 */
@Timeout(60)
class OciRegistryClientTest {
  @TempDir Path tmp;
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  private HttpServer server(Handler h) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
    s.createContext("/", ex -> {
      log.add(s.getAddress().getPort() + " " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " range="
          + ex.getRequestHeaders().getFirst("Range") + " auth=" + ex.getRequestHeaders().getFirst("Authorization"));
      try (ex) {
        h.handle(ex);
      }
    });
    s.setExecutor(Executors.newCachedThreadPool());
    s.start();
    servers.add(s);
    return s;
  }

  private static ImageReference ref(HttpServer s) {
    return ImageReference.parse("127.0.0.1:" + s.getAddress().getPort() + "/team/app:v1");
  }

  private static OciRegistryClient client(int parallel) {
    return new OciRegistryClient(OciRegistryClient.Options.defaults().withParallelDownloads(parallel)
        .withRetries(2, Duration.ofMillis(10)));
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aCutTransferResumesWithARangeRequest() throws Exception {
    byte[] blob = random(1 << 20, 1);
    Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digests.of(blob), blob.length);
    AtomicInteger calls = new AtomicInteger();
    HttpServer s = server(ex -> {
      String range = ex.getRequestHeaders().getFirst("Range");
      if (calls.incrementAndGet() == 1) {
        ex.sendResponseHeaders(200, blob.length);
        ex.getResponseBody().write(blob, 0, 300_000); // then the connection drops
        ex.getResponseBody().flush();
        throw new IOException("cut");
      }
      long from = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
      ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length);
      ex.sendResponseHeaders(206, blob.length - from);
      ex.getResponseBody().write(blob, (int) from, (int) (blob.length - from));
    });
    BlobCache cache = new BlobCache(tmp);
    List<Long> progress = new CopyOnWriteArrayList<>();
    try (OciRegistryClient c = client(1)) {
      Path p = c.fetchBlob(ref(s), d, cache, (digest, done, total) -> progress.add(done));
      assertArrayEquals(blob, Files.readAllBytes(p));
    }
    assertTrue(log.stream().anyMatch(l -> l.contains("range=bytes=")), log.toString());
    long resumedAt = Long.parseLong(log.get(1).replaceAll(".*range=bytes=(\\d+)-.*", "$1"));
    assertTrue(resumedAt > 0 && resumedAt <= 300_000, "resumed from what was received: " + resumedAt);
    assertEquals((long) blob.length, progress.get(progress.size() - 1));
  }

  @Test
  void aServerIgnoringRangeRestartsFromZero() throws Exception {
    byte[] blob = random(200_000, 2);
    Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digests.of(blob), blob.length);
    BlobCache cache = new BlobCache(tmp);
    Files.write(cache.partialPath(d.digest()), new byte[] {1, 2, 3}); // stale garbage from an earlier run
    HttpServer s = server(ex -> {
      ex.sendResponseHeaders(200, blob.length);
      ex.getResponseBody().write(blob);
    });
    try (OciRegistryClient c = client(1)) {
      assertArrayEquals(blob, Files.readAllBytes(c.fetchBlob(ref(s), d, cache, PullProgress.none())));
    }
  }

  @Test
  void moreBytesThanTheDescriptorSaysIsRefused() throws Exception {
    byte[] blob = random(10_000, 3);
    Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digests.of(blob), blob.length - 1);
    HttpServer s = server(ex -> {
      ex.sendResponseHeaders(200, blob.length);
      ex.getResponseBody().write(blob);
    });
    BlobCache cache = new BlobCache(tmp);
    try (OciRegistryClient c = client(1)) {
      OciException e = assertThrows(OciException.class, () -> c.fetchBlob(ref(s), d, cache, PullProgress.none()));
      assertEquals(OciException.Kind.DIGEST_MISMATCH, e.kind());
    }
    assertFalse(cache.contains(d.digest()));
    assertFalse(Files.exists(cache.partialPath(d.digest())));
  }

  @Test
  void transientServerErrorsAreRetried() throws Exception {
    byte[] blob = random(5_000, 4);
    Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digests.of(blob), blob.length);
    AtomicInteger calls = new AtomicInteger();
    HttpServer s = server(ex -> {
      if (calls.incrementAndGet() < 3) {
        ex.sendResponseHeaders(503, -1);
        return;
      }
      ex.sendResponseHeaders(200, blob.length);
      ex.getResponseBody().write(blob);
    });
    try (OciRegistryClient c = client(1)) {
      c.fetchBlob(ref(s), d, new BlobCache(tmp), PullProgress.none());
    }
    assertEquals(3, calls.get());
  }

  @Test
  void downloadsRunInParallelUpToTheLimit() throws Exception {
    Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    List<Descriptor> ds = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      byte[] b = random(50_000, 10 + i);
      Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digests.of(b), b.length);
      blobs.put(d.digest(), b);
      ds.add(d);
    }
    AtomicInteger active = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    HttpServer s = server(ex -> {
      int now = active.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(200);
        String path = ex.getRequestURI().getPath();
        byte[] b = blobs.get(path.substring(path.lastIndexOf('/') + 1));
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        active.decrementAndGet();
      }
    });
    BlobCache cache = new BlobCache(tmp);
    try (OciRegistryClient c = client(3)) {
      c.fetchBlobs(ref(s), ds, cache, PullProgress.none());
    }
    assertEquals(3, peak.get(), "three at a time");
    ds.forEach(d -> assertTrue(cache.contains(d.digest())));
    try (var left = Files.list(tmp.resolve("blobs/sha256/.partial"))) {
      assertEquals(List.of(), left.toList(), "no partial or lock file stays behind");
    }
  }

  @Test
  void credentialsAreNotForwardedOnARedirectToAnotherHost() throws Exception {
    byte[] blob = random(1000, 5);
    Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digests.of(blob), blob.length);
    HttpServer cdn = server(ex -> {
      ex.sendResponseHeaders(200, blob.length);
      ex.getResponseBody().write(blob);
    });
    HttpServer registry = server(ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
        ex.sendResponseHeaders(401, -1);
        return;
      }
      ex.getResponseHeaders().add("Location", "http://localhost:" + cdn.getAddress().getPort() + "/blob");
      ex.sendResponseHeaders(307, -1);
    });
    RegistryCredentials creds = RegistryCredentials.of("127.0.0.1:" + registry.getAddress().getPort(),
        new RegistryCredentials.Credential("u", "p"));
    try (OciRegistryClient c = new OciRegistryClient(OciRegistryClient.Options.defaults().withCredentials(creds))) {
      c.fetchBlob(ref(registry), d, new BlobCache(tmp), PullProgress.none());
    }
    String cdnPort = String.valueOf(cdn.getAddress().getPort());
    String cdnLine = log.stream().filter(l -> l.startsWith(cdnPort + " ")).findFirst().orElseThrow();
    assertTrue(cdnLine.endsWith("auth=null"), cdnLine);
    assertTrue(log.stream().anyMatch(l -> l.contains("auth=Basic")), log.toString());
  }

  @Test
  void credentialsNeverTravelToAPlainHttpRealmElsewhere() throws Exception {
    HttpServer registry = server(ex -> {
      ex.getResponseHeaders().add("WWW-Authenticate",
          "Bearer realm=\"http://example.com/token\",service=\"r\",scope=\"repository:team/app:pull\"");
      ex.sendResponseHeaders(401, -1);
    });
    RegistryCredentials creds = RegistryCredentials.of("127.0.0.1:" + registry.getAddress().getPort(),
        new RegistryCredentials.Credential("u", "p"));
    try (OciRegistryClient c = new OciRegistryClient(OciRegistryClient.Options.defaults().withCredentials(creds))) {
      OciException e = assertThrows(OciException.class, () -> c.manifest(ref(registry), Platform.LINUX_AMD64));
      assertEquals(OciException.Kind.UNAUTHORIZED, e.kind());
      assertTrue(e.getMessage().contains("plain HTTP"), e.getMessage());
    }
  }

  @Test
  void challengesParseQuotedValuesWithCommas() {
    AuthChallenge c = AuthChallenge.parse(
        "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\"")
        .orElseThrow();
    assertEquals("bearer", c.scheme());
    assertEquals("https://auth.example.com/token", c.param("realm"));
    assertEquals("repository:a/b:pull,push", c.param("scope"));
    assertEquals("basic", AuthChallenge.parse("Basic realm=x").orElseThrow().scheme());
    assertNull(AuthChallenge.parse("Basic").orElseThrow().param("realm"));
  }
}

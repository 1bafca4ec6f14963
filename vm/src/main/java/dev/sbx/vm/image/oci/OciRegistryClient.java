package dev.sbx.vm.image.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A client for the OCI distribution API (registry v2): manifests, image indexes with platform
 * selection, and blobs verified against their digest while they stream in.
 *
 * <p>HTTPS everywhere; plain HTTP only for registries on loopback ({@code localhost},
 * {@code 127.0.0.1}, {@code ::1}). Anonymous access first; on a {@code 401} the client answers the
 * challenge: {@code Bearer} (a token from the realm the registry names, asked with the caller's
 * credentials as Basic auth when there are any, cached per repository until it expires) or
 * {@code Basic}. Redirects (blob storage on a CDN) are followed by hand so credentials never go
 * to another host. Transient failures (connection errors, 429, 5xx, a stream cut short) are
 * retried with backoff, and a blob download resumes where it stopped with a {@code Range} request.
 * A blob that does not match its digest is refused and deleted; nothing unverified ever gets its
 * final name in the {@link BlobCache}.
 */
public final class OciRegistryClient implements AutoCloseable {
  static final int MAX_REDIRECTS = 5;
  static final long MAX_DOCUMENT_BYTES = 8L << 20;
  private static final int PROGRESS_STEP = 256 << 10;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ConcurrentHashMap<Path, Object> BLOB_LOCKS = new ConcurrentHashMap<>();

  /**
   * @param credentials where credentials come from (the CLI plugs in the secret store)
   * @param parallelDownloads how many blobs download at once
   * @param retries how many times a transient failure is retried (0 = try once)
   * @param requestTimeout the limit for a response's headers (a blob's body may take longer)
   */
  public record Options(RegistryCredentials credentials, int parallelDownloads, int retries,
      Duration connectTimeout, Duration requestTimeout, Duration retryBackoff) {
    public Options {
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      Objects.requireNonNull(retryBackoff, "retryBackoff");
      if (parallelDownloads < 1) {
        throw new IllegalArgumentException("parallelDownloads must be at least 1");
      }
      if (retries < 0) {
        throw new IllegalArgumentException("retries must not be negative");
      }
    }

    public static Options defaults() {
      return new Options(RegistryCredentials.anonymous(), 3, 3, Duration.ofSeconds(15), Duration.ofSeconds(60),
          Duration.ofMillis(500));
    }

    public Options withCredentials(RegistryCredentials c) {
      return new Options(c, parallelDownloads, retries, connectTimeout, requestTimeout, retryBackoff);
    }

    public Options withParallelDownloads(int n) {
      return new Options(credentials, n, retries, connectTimeout, requestTimeout, retryBackoff);
    }

    public Options withRetries(int n, Duration backoff) {
      return new Options(credentials, parallelDownloads, n, connectTimeout, requestTimeout, backoff);
    }
  }

  private final Options options;
  private final HttpClient http;
  private final ExecutorService downloads;
  /** Authorization header values per "host repository", with their expiry. */
  private final Map<String, CachedAuth> auth = new ConcurrentHashMap<>();

  private record CachedAuth(String header, Instant expires) {}

  public OciRegistryClient(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
    AtomicInteger n = new AtomicInteger();
    this.downloads = Executors.newFixedThreadPool(options.parallelDownloads(), r -> {
      Thread t = new Thread(r, "sbx-oci-download-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public Options options() {
    return options;
  }

  // ---------------------------------------------------------------- manifests

  /**
   * The image manifest for a platform. A tag or digest naming an index (manifest list) is resolved
   * to the entry for {@code platform}; a digest reference is verified against the bytes received.
   *
   * @throws OciException {@code NOT_FOUND}, {@code UNAUTHORIZED}, {@code NO_MATCHING_PLATFORM} (the
   *     message lists the platforms the index has), {@code DIGEST_MISMATCH}, {@code UNSUPPORTED}, {@code IO}
   */
  public ImageManifest manifest(ImageReference ref, Platform platform) {
    Document doc = document(ref, ref.manifestReference());
    if (MediaTypes.INDEXES.contains(doc.mediaType)) {
      List<Descriptor> entries = ManifestParser.indexEntries(doc.body);
      Descriptor chosen = entries.stream()
          .filter(d -> d.platform() != null && MediaTypes.MANIFESTS.contains(d.mediaType()) && platform.accepts(d.platform()))
          .findFirst()
          .orElseThrow(() -> new OciException(OciException.Kind.NO_MATCHING_PLATFORM,
              "image " + ref + " has no manifest for " + platform + "; it has: " + platforms(entries)));
      doc = document(ref, chosen.digest());
      if (MediaTypes.INDEXES.contains(doc.mediaType)) {
        throw new OciException(OciException.Kind.UNSUPPORTED, "image " + ref + ": an index entry names another index");
      }
    }
    if (doc.mediaType.equals(MediaTypes.DOCKER_SCHEMA1) || doc.mediaType.equals(MediaTypes.DOCKER_SCHEMA1_SIGNED)) {
      throw new OciException(OciException.Kind.UNSUPPORTED,
          "image " + ref + " uses the Docker schema 1 manifest format, deprecated since 2017; re-push it with a current Docker or skopeo");
    }
    if (!MediaTypes.MANIFESTS.contains(doc.mediaType)) {
      throw new OciException(OciException.Kind.UNSUPPORTED,
          "image " + ref + " has a manifest of media type " + doc.mediaType + ", which is not an image manifest");
    }
    return ManifestParser.manifest(doc.mediaType, doc.digest, doc.body);
  }

  /** The platforms an index lists, or an empty list when the reference names a single manifest. */
  public List<Platform> platforms(ImageReference ref) {
    Document doc = document(ref, ref.manifestReference());
    if (!MediaTypes.INDEXES.contains(doc.mediaType)) {
      return List.of();
    }
    return ManifestParser.indexEntries(doc.body).stream().map(Descriptor::platform).filter(Objects::nonNull).toList();
  }

  private static String platforms(List<Descriptor> entries) {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    entries.stream().map(Descriptor::platform).filter(Objects::nonNull).forEach(p -> names.add(p.toString()));
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }

  private record Document(String mediaType, String digest, byte[] body) {}

  private Document document(ImageReference ref, String reference) {
    String what = "manifest " + reference + " of " + ref.name();
    return retrying(what, () -> {
      Response r = send(ref, "manifests/" + reference, Map.of("Accept", MediaTypes.MANIFEST_ACCEPT), what);
      byte[] body;
      try (InputStream in = r.body) {
        body = readLimited(in, MAX_DOCUMENT_BYTES, what);
      }
      String digest = Digests.of(body);
      if (reference.startsWith("sha256:") && !digest.equals(reference)) {
        throw new OciException(OciException.Kind.DIGEST_MISMATCH,
            what + ": the registry sent content with digest " + digest + "; refused");
      }
      String contentType = r.response.headers().firstValue("Content-Type").orElse(null);
      return new Document(ManifestParser.mediaType(body, contentType), digest, body);
    });
  }

  // ---------------------------------------------------------------- blobs

  /** A small blob (a config) read into memory and verified. */
  public byte[] blobBytes(ImageReference ref, Descriptor d) {
    String what = "blob " + d.digest() + " of " + ref.name();
    if (d.size() > MAX_DOCUMENT_BYTES) {
      throw new OciException(OciException.Kind.UNSUPPORTED, what + " is " + d.size() + " bytes, too large to read into memory");
    }
    return retrying(what, () -> {
      Response r = send(ref, "blobs/" + d.digest(), Map.of(), what);
      byte[] body;
      try (InputStream in = r.body) {
        body = readLimited(in, d.size() + 1, what);
      }
      String actual = Digests.of(body);
      if (!actual.equals(d.digest()) || body.length != d.size()) {
        throw new OciException(OciException.Kind.DIGEST_MISMATCH,
            what + ": the registry sent " + body.length + " bytes with digest " + actual + "; refused");
      }
      return body;
    });
  }

  /**
   * Downloads the blobs into the cache, {@link Options#parallelDownloads()} at a time; blobs
   * already cached are not downloaded. Returns when all are verified and cached, or throws the
   * first failure (the other downloads are cancelled; their partial files stay for a resume).
   */
  public void fetchBlobs(ImageReference ref, List<Descriptor> blobs, BlobCache cache, PullProgress progress) {
    Map<String, Descriptor> unique = new LinkedHashMap<>();
    blobs.forEach(d -> unique.putIfAbsent(d.digest(), d));
    List<Future<Path>> futures = new ArrayList<>();
    for (Descriptor d : unique.values()) {
      futures.add(downloads.submit(() -> fetchBlob(ref, d, cache, progress)));
    }
    try {
      for (Future<Path> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException(OciException.Kind.IO, "interrupted while pulling " + ref, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof OciException oe) {
        throw oe;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new OciException(OciException.Kind.IO, "pulling " + ref + ": " + c, c);
    } finally {
      futures.forEach(f -> f.cancel(true));
    }
  }

  /**
   * Downloads one blob into the cache (nothing to do when it is there): streamed to a partial
   * file while hashing, resumed with a {@code Range} request after a broken transfer, verified,
   * synced and moved into place. A digest or size mismatch deletes the partial file.
   */
  public Path fetchBlob(ImageReference ref, Descriptor d, BlobCache cache, PullProgress progress) {
    Path target = cache.path(d.digest());
    if (Files.isRegularFile(target)) {
      progress.update(d.digest(), d.size(), d.size());
      return target;
    }
    String what = "blob " + d.digest() + " of " + ref.name();
    try {
      Path partial = cache.partialPath(d.digest());
      Object jvmLock = BLOB_LOCKS.computeIfAbsent(partial, p -> new Object());
      synchronized (jvmLock) {
        try (FileChannel lock = cache.lock(d.digest())) {
          if (Files.isRegularFile(target)) {
            progress.update(d.digest(), d.size(), d.size());
            return target;
          }
          retrying(what, () -> {
            download(ref, d, partial, progress, what);
            return null;
          });
          Path done = cache.commit(partial, d.digest());
          // Safe to remove while held: whoever waits on it finds the blob in place once it gets the lock.
          cache.removeLockFile(d.digest());
          progress.update(d.digest(), d.size(), d.size());
          return done;
        }
      }
    } catch (IOException e) {
      throw new OciException(OciException.Kind.IO, what + ": " + e.getMessage(), e);
    }
  }

  private void download(ImageReference ref, Descriptor d, Path partial, PullProgress progress, String what)
      throws IOException {
    long have = Files.exists(partial) ? Files.size(partial) : 0;
    if (have > d.size()) {
      Files.delete(partial);
      have = 0;
    }
    MessageDigest md = Digests.sha256();
    if (have > 0) {
      hashInto(partial, md);
    }
    if (have < d.size()) {
      Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
      Response r = send(ref, "blobs/" + d.digest(), headers, what);
      try (InputStream in = r.body) {
        boolean append = have > 0 && r.response.statusCode() == 206 && rangeStartsAt(r.response, have);
        if (!append) {
          have = 0;
          md.reset();
        }
        progress.update(d.digest(), have, d.size());
        try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
          byte[] buf = new byte[64 << 10];
          long lastReport = have;
          int n;
          while ((n = in.read(buf)) > 0) {
            if (have + n > d.size()) {
              Files.deleteIfExists(partial);
              throw new OciException(OciException.Kind.DIGEST_MISMATCH,
                  what + ": the registry sent more than the " + d.size() + " bytes the manifest gives; refused");
            }
            out.write(buf, 0, n);
            md.update(buf, 0, n);
            have += n;
            if (have - lastReport >= PROGRESS_STEP) {
              progress.update(d.digest(), have, d.size());
              lastReport = have;
            }
          }
        }
      }
      if (have < d.size()) {
        throw new IOException("the transfer stopped after " + have + " of " + d.size() + " bytes");
      }
    }
    String actual = Digests.of(md);
    if (!actual.equals(d.digest())) {
      Files.deleteIfExists(partial);
      throw new OciException(OciException.Kind.DIGEST_MISMATCH,
          what + ": the registry sent content with digest " + actual + "; refused and deleted, nothing was cached");
    }
  }

  private static boolean rangeStartsAt(HttpResponse<?> r, long offset) {
    // Content-Range: bytes START-END/TOTAL
    return r.headers().firstValue("Content-Range").map(v -> v.trim().startsWith("bytes " + offset + "-")).orElse(false);
  }

  private static void hashInto(Path file, MessageDigest md) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 << 10];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
  }

  // ---------------------------------------------------------------- HTTP, auth, retries

  private record Response(HttpResponse<InputStream> response, InputStream body) {}

  @FunctionalInterface
  private interface Attempt<T> {
    T run() throws IOException;
  }

  private <T> T retrying(String what, Attempt<T> attempt) {
    int tries = 0;
    while (true) {
      try {
        return attempt.run();
      } catch (OciException e) {
        if (!e.retryable() || tries >= options.retries()) {
          throw e;
        }
      } catch (IOException e) {
        if (tries >= options.retries()) {
          String why = e instanceof ConnectException ? "cannot connect" : e instanceof HttpTimeoutException ? "timed out" : e.toString();
          throw new OciException(OciException.Kind.IO, what + ": " + why + " (after " + (tries + 1) + " tries)", e);
        }
      }
      tries++;
      try {
        Thread.sleep(options.retryBackoff().toMillis() * (1L << Math.min(tries - 1, 5)));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new OciException(OciException.Kind.IO, what + ": interrupted", ie);
      }
    }
  }

  /** The registry's base URL: HTTPS, or plain HTTP for a loopback registry. */
  static URI base(ImageReference ref) {
    return URI.create((ref.isLoopback() ? "http" : "https") + "://" + ref.apiHost() + "/v2/");
  }

  /** GET {@code /v2/<repository>/<path>}, answering one auth challenge and following redirects. */
  private Response send(ImageReference ref, String path, Map<String, String> headers, String what) throws IOException {
    URI uri = base(ref).resolve(ref.repository() + "/" + path);
    String authKey = ref.apiHost() + " " + ref.repository();
    boolean challenged = false;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      boolean sameHost = sameOrigin(uri, base(ref));
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(options.requestTimeout());
      headers.forEach(b::header);
      CachedAuth cached = auth.get(authKey);
      if (sameHost && cached != null && cached.expires.isAfter(Instant.now())) {
        b.header("Authorization", cached.header);
      }
      HttpResponse<InputStream> r = sendRaw(b.build());
      int status = r.statusCode();
      if (status == 401 && sameHost && !challenged) {
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse(null);
        drain(r);
        authenticate(ref, challenge, authKey, what);
        challenged = true;
        hop--;
        continue;
      }
      if (status >= 300 && status < 400 && r.headers().firstValue("Location").isPresent()) {
        URI next = uri.resolve(r.headers().firstValue("Location").get());
        drain(r);
        if (uri.getScheme().equals("https") && !next.getScheme().equals("https")) {
          throw new OciException(OciException.Kind.IO, what + ": the registry redirected from HTTPS to " + next.getScheme() + "; refused");
        }
        uri = next;
        continue;
      }
      if (status == 200 || status == 206) {
        return new Response(r, r.body());
      }
      String detail = errorDetail(r);
      switch (status) {
        case 404 -> throw new OciException(OciException.Kind.NOT_FOUND,
            what + " was not found on " + ref.registry() + detail + " (check the name and tag)");
        case 401, 403 -> throw new OciException(OciException.Kind.UNAUTHORIZED, what + ": " + ref.registry()
            + " refused access (HTTP " + status + ")" + detail + hintCredentials(ref));
        case 429 -> throw new OciException(OciException.Kind.IO, what + ": " + ref.registry() + " rate-limits this client (HTTP 429)");
        default -> throw new OciException(status >= 500 ? OciException.Kind.IO : OciException.Kind.UNSUPPORTED,
            what + ": " + ref.registry() + " answered HTTP " + status + detail);
      }
    }
    throw new OciException(OciException.Kind.IO, what + ": more than " + MAX_REDIRECTS + " redirects");
  }

  private String hintCredentials(ImageReference ref) {
    return options.credentials().lookup(ref.registry()).isPresent()
        ? "; the stored credentials for " + ref.registry() + " were refused or lack pull access"
        : "; if the repository is private, store credentials for " + ref.registry();
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equals(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
  }

  private HttpResponse<InputStream> sendRaw(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void authenticate(ImageReference ref, String header, String authKey, String what) throws IOException {
    AuthChallenge challenge = AuthChallenge.parse(header).orElseThrow(() -> new OciException(OciException.Kind.UNAUTHORIZED,
        what + ": " + ref.registry() + " answered 401 without a usable WWW-Authenticate challenge"));
    Optional<RegistryCredentials.Credential> credential = options.credentials().lookup(ref.registry());
    switch (challenge.scheme()) {
      case "basic" -> {
        RegistryCredentials.Credential c = credential.orElseThrow(() -> new OciException(OciException.Kind.UNAUTHORIZED,
            what + ": " + ref.registry() + " requires a username and password" + hintCredentials(ref)));
        requireSecure(base(ref), ref, what);
        auth.put(authKey, new CachedAuth(basic(c), Instant.now().plus(Duration.ofHours(1))));
      }
      case "bearer" -> {
        String realm = challenge.param("realm");
        if (realm == null || realm.isBlank()) {
          throw new OciException(OciException.Kind.UNAUTHORIZED, what + ": the Bearer challenge from " + ref.registry() + " names no realm");
        }
        URI realmUri = URI.create(realm);
        StringBuilder q = new StringBuilder();
        if (challenge.param("service") != null) {
          q.append("service=").append(URLEncoder.encode(challenge.param("service"), StandardCharsets.UTF_8));
        }
        String scope = challenge.param("scope") != null ? challenge.param("scope") : "repository:" + ref.repository() + ":pull";
        q.append(q.length() > 0 ? "&" : "").append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + q);
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).GET().timeout(options.requestTimeout());
        if (credential.isPresent()) {
          requireSecure(realmUri, ref, what);
          b.header("Authorization", basic(credential.get()));
        }
        HttpResponse<InputStream> r = sendRaw(b.build());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
          drain(r);
          throw new OciException(OciException.Kind.UNAUTHORIZED, what + ": the token service of " + ref.registry()
              + " refused " + (credential.isPresent() ? "the credentials of user " + credential.get().username() : "anonymous access")
              + hintCredentials(ref));
        }
        if (r.statusCode() != 200) {
          String detail = errorDetail(r);
          throw new OciException(r.statusCode() >= 500 ? OciException.Kind.IO : OciException.Kind.UNAUTHORIZED,
              what + ": the token service of " + ref.registry() + " answered HTTP " + r.statusCode() + detail);
        }
        JsonNode json;
        try (InputStream in = r.body()) {
          json = JSON.readTree(readLimited(in, 1 << 20, "the token response"));
        } catch (RuntimeException e) {
          throw new OciException(OciException.Kind.UNAUTHORIZED, what + ": the token service of " + ref.registry() + " sent no valid JSON");
        }
        String token = json.path("token").asString(json.path("access_token").asString(""));
        if (token.isEmpty()) {
          throw new OciException(OciException.Kind.UNAUTHORIZED, what + ": the token service of " + ref.registry() + " sent no token");
        }
        long expiresIn = Math.max(json.path("expires_in").asLong(60), 10);
        auth.put(authKey, new CachedAuth("Bearer " + token, Instant.now().plusSeconds(expiresIn - 5)));
      }
      default -> throw new OciException(OciException.Kind.UNSUPPORTED,
          what + ": " + ref.registry() + " asks for " + challenge.scheme() + " authentication, which sbx does not speak (Basic and Bearer only)");
    }
  }

  /** Credentials travel over TLS only, or to this machine. */
  private static void requireSecure(URI uri, ImageReference ref, String what) {
    String host = uri.getHost() == null ? "" : uri.getHost().replace("[", "").replace("]", "");
    boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    if (!"https".equals(uri.getScheme()) && !loopback) {
      throw new OciException(OciException.Kind.UNAUTHORIZED,
          what + ": " + ref.registry() + " asks for credentials over plain HTTP (" + uri.getScheme() + "://" + uri.getHost() + "); refused");
    }
  }

  private static String basic(RegistryCredentials.Credential c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
  }

  /** The first error message of a registry error body ({@code {"errors":[{"code","message"}]}}), if any. */
  private static String errorDetail(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      byte[] body = in.readNBytes(16 << 10);
      JsonNode first = JSON.readTree(body).path("errors").path(0);
      if (first.isObject()) {
        String code = first.path("code").asString("");
        String message = first.path("message").asString("");
        return " (" + (code.isEmpty() ? "" : code + ": ") + message + ")";
      }
    } catch (IOException | RuntimeException e) {
      // no parsable error body: the status says enough
    }
    return "";
  }

  private static void drain(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      in.readNBytes(64 << 10);
    } catch (IOException e) {
      // the connection is dropped then, which is fine
    }
  }

  private static byte[] readLimited(InputStream in, long limit, String what) throws IOException {
    byte[] body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
    if (body.length > limit) {
      throw new OciException(OciException.Kind.UNSUPPORTED, what + " is larger than " + limit + " bytes; refused");
    }
    return body;
  }

  @Override
  public void close() {
    downloads.shutdownNow();
  }
}

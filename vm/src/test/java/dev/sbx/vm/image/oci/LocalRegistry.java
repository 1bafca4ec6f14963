package dev.sbx.vm.image.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real registry (Debian's {@code docker-registry}, the CNCF distribution registry 2.8) on
 * 127.0.0.1 and a free port, storing into a temp directory, optionally behind htpasswd (Basic)
 * or token (Bearer) auth. Images get in with skopeo from an OCI layout. Stopped on close.
 */
final class LocalRegistry implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/docker-registry");
  static final Path SKOPEO = Path.of("/usr/bin/skopeo");

  private final Path dir;
  private final Process process;
  private final int port;

  private LocalRegistry(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /** Asserts the tools are there (CI installs them with scripts/prepare-host.sh); fails with what to install. */
  static void requireTools() {
    for (Path p : List.of(BINARY, SKOPEO)) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(p + " is missing: run scripts/prepare-host.sh (apt packages docker-registry, skopeo, apache2-utils)");
      }
    }
  }

  static LocalRegistry start(Path dir) {
    return start(dir, "");
  }

  /** Starts a registry; {@code authYaml} is the {@code auth:} section (indented by two) or empty. */
  static LocalRegistry start(Path dir, String authYaml) {
    requireTools();
    try {
      Files.createDirectories(dir.resolve("storage"));
      int port = freePort();
      String config = "version: 0.1\n"
          + "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
          + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n  delete:\n    enabled: true\n"
          + "  cache:\n    blobdescriptor: inmemory\n"
          + "http:\n  addr: 127.0.0.1:" + port + "\n"
          + (authYaml.isEmpty() ? "" : "auth:\n" + authYaml);
      Files.writeString(dir.resolve("config.yml"), config);
      Process p = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
      LocalRegistry r = new LocalRegistry(dir, p, port);
      r.awaitReady(Duration.ofSeconds(30));
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitReady(Duration limit) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 || r.statusCode() == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IllegalStateException("docker-registry did not answer within " + limit + ": "
        + Files.readString(dir.resolve("registry.log")));
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** Pushes {@code oci:LAYOUT:TAG} to {@code REPO:TAG} here (every platform of an index, with --all). */
  void push(Path layout, String tag, String repository, String credentials) {
    push(layout, tag, repository, credentials, null);
  }

  /** As {@link #push(Path, String, String, String)}; {@code format} {@code v2s2} converts to Docker's media types. */
  void push(Path layout, String tag, String repository, String credentials, String format) {
    List<String> cmd = new ArrayList<>(List.of(SKOPEO.toString(), "--insecure-policy", "copy", "--all", "--quiet",
        "--dest-tls-verify=false"));
    if (format != null) {
      cmd.add("--format");
      cmd.add(format);
    }
    if (credentials != null) {
      cmd.add("--dest-creds");
      cmd.add(credentials);
    }
    cmd.add("oci:" + layout + ":" + tag);
    cmd.add("docker://" + host() + "/" + repository + ":" + tag);
    run(cmd, Duration.ofMinutes(3));
  }

  /** The file the registry serves a blob from (to corrupt it in a test). */
  Path blobData(String digest) {
    String hex = digest.substring(7);
    return dir.resolve("storage/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
  }

  static String run(List<String> cmd, Duration limit) {
    try {
      Path log = Files.createTempFile("sbx-cmd", ".log");
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new IllegalStateException(String.join(" ", cmd) + " timed out");
        }
        String out = Files.readString(log);
        if (p.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

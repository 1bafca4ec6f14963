package dev.sbx.vm.testing;

import dev.sbx.vm.host.HostCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A real registry (Debian's {@code docker-registry}, distribution v2) on 127.0.0.1 with its
 * storage in a test directory, and a way to push an image to it: an OCI image layout written
 * here from tarred directories, copied in by {@code skopeo}. Stopped (by its pid) on close.
 */
public final class LocalRegistry implements AutoCloseable {
  private final Process process;
  private final int port;

  private LocalRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static LocalRegistry start(Path dir) throws IOException, InterruptedException {
    VmAvailability.require(HostCommand.available("docker-registry"), "docker-registry is not installed");
    VmAvailability.require(HostCommand.available("skopeo"), "skopeo is not installed");
    int port;
    try (var probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path config = dir.resolve("registry.yml");
    Files.createDirectories(dir.resolve("storage"));
    Files.writeString(config, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
        + dir.resolve("storage") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
    Process p = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("registry.log").toFile()).start();
    var registry = new LocalRegistry(p, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        var c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
        c.setConnectTimeout(1000);
        if (c.getResponseCode() == 200) {
          return registry;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        registry.close();
        throw new IllegalStateException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
      }
      Thread.sleep(100);
    }
  }

  public String host() {
    return "127.0.0.1:" + port;
  }

  /**
   * Pushes an image made of {@code layers} (directories, each tarred as one gzip layer, owners
   * numeric as on disk) with this OCI image config JSON ({@code %DIFF_IDS%} is replaced by the
   * layers' diff ids) as {@code host()/repository:tag}.
   */
  public void push(Path work, List<Path> layers, String configJson, String repository, String tag)
      throws IOException {
    Path layout = work.resolve("oci-layout-" + tag);
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    var diffIds = new ArrayList<String>();
    var layerJson = new ArrayList<String>();
    for (int i = 0; i < layers.size(); i++) {
      Path tar = work.resolve("layer-" + tag + "-" + i + ".tar");
      List<String> argv = List.of("tar", "--numeric-owner", "-C", layers.get(i).toString(), "-cf", tar.toString(), ".");
      HostCommand.run(argv, null, Duration.ofMinutes(2)).orThrow(argv);
      byte[] raw = Files.readAllBytes(tar);
      diffIds.add("\"sha256:" + sha256(raw) + "\"");
      var gz = new ByteArrayOutputStream();
      try (var z = new GZIPOutputStream(gz)) {
        z.write(raw);
      }
      String digest = write(blobs, gz.toByteArray());
      layerJson.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + digest
          + "\",\"size\":" + gz.size() + "}");
    }
    byte[] config = configJson.replace("%DIFF_IDS%", String.join(",", diffIds)).getBytes(StandardCharsets.UTF_8);
    String configDigest = write(blobs, config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + configDigest
        + "\",\"size\":" + config.length + "},\"layers\":[" + String.join(",", layerJson) + "]}")
        .getBytes(StandardCharsets.UTF_8);
    String manifestDigest = write(blobs, manifest);
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + manifestDigest + "\",\"size\":"
        + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
    List<String> copy = List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
        "oci:" + layout + ":" + tag, "docker://" + host() + "/" + repository + ":" + tag);
    HostCommand.run(copy, null, Duration.ofMinutes(2)).orThrow(copy);
  }

  private static String write(Path blobs, byte[] bytes) throws IOException {
    String digest = sha256(bytes);
    Files.write(blobs.resolve(digest), bytes);
    return digest;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

package dev.sbx.vm.image.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/**
 * Writes an OCI image layout (oci-layout, index.json, blobs/sha256/…) in tests, for skopeo to push:
 * images from tar layers built in the test, image indexes over them, tags in index.json.
 */
final class OciLayoutWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final List<Map<String, Object>> tagged = new ArrayList<>();

  OciLayoutWriter(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  Descriptor blob(String mediaType, byte[] bytes) {
    String digest = Digests.of(bytes);
    try {
      Files.write(dir.resolve("blobs/sha256").resolve(digest.substring(7)), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Descriptor(mediaType, digest, bytes.length);
  }

  /** An image: gzip layers, a config with the given platform and runtime settings, an OCI manifest. */
  Descriptor image(Platform platform, Map<String, Object> config, List<byte[]> gzipLayers) {
    List<Descriptor> layers = gzipLayers.stream().map(l -> blob(MediaTypes.OCI_LAYER_GZIP, l)).toList();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("architecture", platform.architecture());
    cfg.put("os", platform.os());
    if (platform.variant() != null) {
      cfg.put("variant", platform.variant());
    }
    cfg.put("config", config);
    cfg.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(Descriptor::digest).toList()));
    Descriptor configBlob = blob(MediaTypes.OCI_CONFIG, json(cfg));
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("config", descriptorJson(configBlob, null));
    manifest.put("layers", layers.stream().map(l -> descriptorJson(l, null)).toList());
    Descriptor m = blob(MediaTypes.OCI_MANIFEST, json(manifest));
    return new Descriptor(m.mediaType(), m.digest(), m.size(), platform);
  }

  /** An image index over images (each descriptor's platform goes into the index). */
  Descriptor index(List<Descriptor> manifests) {
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", manifests.stream().map(d -> descriptorJson(d, d.platform())).toList());
    return blob(MediaTypes.OCI_INDEX, json(index));
  }

  /** Names a manifest or index in index.json, as skopeo's {@code oci:DIR:TAG} expects. */
  OciLayoutWriter tag(String tag, Descriptor target) {
    Map<String, Object> d = descriptorJson(target, null);
    d.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
    tagged.add(d);
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("manifests", tagged);
    try {
      Files.write(dir.resolve("index.json"), json(index));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private static Map<String, Object> descriptorJson(Descriptor d, Platform p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mediaType", d.mediaType());
    m.put("digest", d.digest());
    m.put("size", d.size());
    if (p != null) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("architecture", p.architecture());
      pm.put("os", p.os());
      if (p.variant() != null) {
        pm.put("variant", p.variant());
      }
      m.put("platform", pm);
    }
    return m;
  }

  static byte[] json(Object o) {
    return JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
  }
}

package dev.sbx.vm.image.oci;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Reads manifests and indexes; every digest is checked for form before it can become a file name. */
final class ManifestParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestParser() {}

  /** The media type: the document's own {@code mediaType}, else the one the registry sent. */
  static String mediaType(byte[] body, String contentType) {
    JsonNode root = tree(body);
    String own = root.path("mediaType").asString("");
    if (!own.isEmpty()) {
      return own;
    }
    if (contentType != null && !contentType.isBlank()) {
      return contentType.split(";")[0].trim();
    }
    // An OCI manifest may omit mediaType: tell an index from a manifest by its fields.
    return root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
  }

  static List<Descriptor> indexEntries(byte[] body) {
    List<Descriptor> out = new ArrayList<>();
    for (JsonNode m : tree(body).path("manifests")) {
      JsonNode p = m.path("platform");
      Platform platform = p.isObject()
          ? new Platform(p.path("os").asString(""), p.path("architecture").asString(""), p.path("variant").asString(null))
          : null;
      out.add(descriptor(m, platform));
    }
    return out;
  }

  static ImageManifest manifest(String mediaType, String digest, byte[] body) {
    JsonNode root = tree(body);
    if (root.path("schemaVersion").asInt(0) != 2) {
      throw new OciException(OciException.Kind.UNSUPPORTED,
          "manifest " + digest + " has schemaVersion " + root.path("schemaVersion") + "; sbx reads schema 2 (OCI or Docker v2) only");
    }
    Descriptor config = descriptor(root.path("config"), null);
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode l : root.path("layers")) {
      Descriptor d = descriptor(l, null);
      if (!MediaTypes.LAYERS.contains(d.mediaType())) {
        throw new OciException(OciException.Kind.UNSUPPORTED,
            "manifest " + digest + " has a layer of media type " + d.mediaType() + ", which is not an image layer sbx can unpack");
      }
      if (d.mediaType().equals(MediaTypes.OCI_LAYER_ZSTD)) {
        throw new OciException(OciException.Kind.UNSUPPORTED, zstdMessage(d.digest()));
      }
      layers.add(d);
    }
    return new ImageManifest(mediaType, digest, config, layers, body);
  }

  static String zstdMessage(String digest) {
    return "layer " + digest + " is zstd-compressed, which sbx cannot unpack yet; use an image built with gzip layers "
        + "(for example `docker buildx build --output type=image,compression=gzip`)";
  }

  private static Descriptor descriptor(JsonNode n, Platform platform) {
    String digest = n.path("digest").asString("");
    if (!Digests.isValid(digest)) {
      throw new OciException(OciException.Kind.UNSUPPORTED,
          "a descriptor has the digest '" + digest + "'; sbx accepts sha256:<64 lowercase hex digits> only");
    }
    long size = n.path("size").asLong(-1);
    if (size < 0) {
      throw new OciException(OciException.Kind.UNSUPPORTED, "the descriptor of " + digest + " has no valid size");
    }
    return new Descriptor(n.path("mediaType").asString(""), digest, size, platform);
  }

  private static JsonNode tree(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw new OciException(OciException.Kind.UNSUPPORTED, "the registry sent a manifest that is not a JSON object");
      }
      return root;
    } catch (OciException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new OciException(OciException.Kind.UNSUPPORTED, "the registry sent a manifest that is not valid JSON", e);
    }
  }
}

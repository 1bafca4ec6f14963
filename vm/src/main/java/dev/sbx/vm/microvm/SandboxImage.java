package dev.sbx.vm.microvm;

import dev.sbx.vm.image.store.ImageConfig;
import dev.sbx.vm.image.store.ImageJson;
import dev.sbx.vm.image.store.ImageRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The image an image sandbox boots, as resolved at create ({@code image.json} in its directory):
 * the reference it was asked for, the digest its overlay is backed by, and the config with the
 * user resolved to ids. Kept with the sandbox so a later retag or rm of the reference does not
 * change what it runs.
 */
record SandboxImage(String reference, String digest, ImageConfig config, int uid, int gid) {
  SandboxImage {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(config, "config");
  }

  static SandboxImage of(String reference, ImageRecord record) {
    return new SandboxImage(reference, record.digest(), record.config(), record.uid(), record.gid());
  }

  void write(Path file) throws IOException {
    var n = SpecJson.JSON.createObjectNode().put("reference", reference).put("digest", digest);
    n.set("config", ImageJson.config(config));
    n.put("uid", uid).put("gid", gid);
    Files.writeString(file, n.toPrettyString() + "\n", StandardCharsets.UTF_8);
  }

  static Optional<SandboxImage> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode n = SpecJson.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      return Optional.of(new SandboxImage(n.path("reference").asString(), n.path("digest").asString(),
          ImageJson.readConfig(n.path("config")), n.path("uid").asInt(), n.path("gid").asInt()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

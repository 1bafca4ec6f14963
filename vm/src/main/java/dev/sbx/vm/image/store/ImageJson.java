package dev.sbx.vm.image.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code image.json}: an {@link ImageRecord} on disk, written atomically (temp, fsync, rename). */
public final class ImageJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private ImageJson() {}

  public static ObjectNode write(ImageRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("digest", r.digest());
    strings(n.putArray("references"), r.references());
    n.set("config", config(r.config()));
    n.put("uid", r.uid()).put("gid", r.gid());
    n.put("contentBytes", r.contentBytes()).put("diskBytes", r.diskBytes());
    n.put("created", r.created().toString()).put("lastUsed", r.lastUsed().toString());
    n.put("source", r.source());
    strings(n.putArray("blobs"), r.blobs());
    return n;
  }

  public static ObjectNode config(ImageConfig c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("user", c.user());
    strings(n.putArray("env"), c.env());
    strings(n.putArray("entrypoint"), c.entrypoint());
    strings(n.putArray("cmd"), c.cmd());
    n.put("workingDir", c.workingDir());
    return n;
  }

  static ImageRecord read(JsonNode n) {
    return new ImageRecord(n.path("digest").asString(), strings(n.path("references")), readConfig(n.path("config")),
        n.path("uid").asInt(), n.path("gid").asInt(), n.path("contentBytes").asLong(), n.path("diskBytes").asLong(),
        Instant.parse(n.path("created").asString()), Instant.parse(n.path("lastUsed").asString()),
        n.path("source").asString(""), strings(n.path("blobs")));
  }

  public static ImageConfig readConfig(JsonNode n) {
    return new ImageConfig(n.path("user").asString(""), strings(n.path("env")), strings(n.path("entrypoint")),
        strings(n.path("cmd")), n.path("workingDir").asString(""));
  }

  static ImageRecord read(Path file) {
    try {
      return read(JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new ImageException(ImageException.Kind.IO, "unreadable image metadata " + file + ": " + e.getMessage(), e);
    }
  }

  static void write(Path file, ImageRecord r) {
    writeAtomically(file, write(r).toPrettyString() + "\n");
  }

  static void writeAtomically(Path file, String text) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".json");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static List<String> strings(JsonNode array) {
    var list = new ArrayList<String>();
    for (JsonNode v : array) {
      list.add(v.asString());
    }
    return list;
  }
}

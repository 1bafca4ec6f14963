package dev.sbx.reconciler.state;

import dev.sbx.reconciler.desired.DesiredJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON file per sandbox under {@code state-dir/sandboxes/NAME.json}, each written atomically.
 * Records hold names, hashes and the last applied spec; never a secret value.
 */
public final class StateStore {
  static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final Path dir;

  public StateStore(Path stateDir) {
    this.dir = stateDir.resolve("sandboxes");
  }

  public Inventory load() {
    Map<String, SandboxRecord> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return new Inventory(out);
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".json"))::iterator) {
        SandboxRecord r = read(file);
        out.put(r.name(), r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return new Inventory(out);
  }

  public Optional<SandboxRecord> get(String name) {
    Path file = fileOf(name);
    return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
  }

  public void put(SandboxRecord r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("formatVersion", FORMAT_VERSION);
    o.put("name", r.name());
    o.put("source", r.source());
    o.put("createdBySbx", r.createdBySbx());
    o.put("lastAppliedRevision", r.lastAppliedRevision());
    o.put("updatedAt", r.updatedAt().toString());
    r.applied().ifPresent(a -> o.set("applied", DesiredJson.write(a)));
    String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    AtomicFiles.write(fileOf(r.name()), text.getBytes(StandardCharsets.UTF_8));
  }

  public void remove(String name) {
    try {
      Files.deleteIfExists(fileOf(name));
      AtomicFiles.syncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove record of " + name, e);
    }
  }

  private Path fileOf(String name) {
    return dir.resolve(name + ".json");
  }

  private static SandboxRecord read(Path file) {
    try {
      JsonNode o = JSON.readTree(Files.readString(file));
      int version = DesiredJson.field(o, "formatVersion").asInt();
      if (version != FORMAT_VERSION) {
        throw new StateFormatException(file, "formatVersion " + version + " is not supported (expected " + FORMAT_VERSION + ")");
      }
      return new SandboxRecord(
          DesiredJson.text(o, "name"),
          DesiredJson.text(o, "source"),
          DesiredJson.field(o, "createdBySbx").asBoolean(),
          o.has("applied") ? Optional.of(DesiredJson.read(o.get("applied"))) : Optional.empty(),
          DesiredJson.text(o, "lastAppliedRevision"),
          Instant.parse(DesiredJson.text(o, "updatedAt")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (JacksonException | IllegalArgumentException | java.time.DateTimeException e) {
      throw new StateFormatException(file, e.getMessage());
    }
  }
}

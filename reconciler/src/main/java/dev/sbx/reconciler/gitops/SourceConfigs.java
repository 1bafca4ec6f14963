package dev.sbx.reconciler.gitops;

import dev.sbx.reconciler.state.AtomicFiles;
import dev.sbx.reconciler.state.StateFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The daemon's GitOps configuration on disk, {@code STATE/sources.json}: the configured sources and
 * the suspended sandboxes, written atomically (temp file, fsync, rename) at every change and read
 * when the daemon starts.
 *
 * <pre>
 * {"version":1,
 *  "sources":[{"name","kind":"dir|git","location","ref","subdirectory","interval":"1m",
 *              "secret"?,"webhookSecret"?,"suspended"}],
 *  "suspendedSandboxes":["name",...]}
 * </pre>
 */
public final class SourceConfigs {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the file holds. */
  public record Contents(List<SourceConfig> sources, Set<String> suspendedSandboxes) {
    public Contents {
      sources = List.copyOf(sources);
      suspendedSandboxes = Set.copyOf(suspendedSandboxes);
    }
  }

  private final Path file;

  public SourceConfigs(Path file) {
    this.file = file;
  }

  public Contents load() {
    if (!Files.exists(file)) {
      return new Contents(List.of(), Set.of());
    }
    try {
      JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      List<SourceConfig> sources = new ArrayList<>();
      for (JsonNode n : root.path("sources")) {
        sources.add(new SourceConfig(n.get("name").asString(), SourceConfig.Kind.parse(n.get("kind").asString()),
            n.get("location").asString(), n.path("ref").asString(""), n.path("subdirectory").asString(""),
            SourceConfig.parseInterval(n.get("interval").asString()), optional(n, "secret"),
            optional(n, "webhookSecret"), n.path("suspended").asBoolean(false)));
      }
      Set<String> suspended = new TreeSet<>();
      root.path("suspendedSandboxes").forEach(s -> suspended.add(s.asString()));
      return new Contents(sources, suspended);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new StateFormatException(file, "damaged (" + e.getMessage() + "); fix or remove it");
    }
  }

  public void save(Contents contents) {
    ObjectNode root = JSON.createObjectNode().put("version", 1);
    ArrayNode sources = root.putArray("sources");
    for (SourceConfig c : contents.sources()) {
      ObjectNode n = sources.addObject().put("name", c.name()).put("kind", c.kind().wireName())
          .put("location", c.location()).put("ref", c.ref()).put("subdirectory", c.subdirectory())
          .put("interval", SourceConfig.formatInterval(c.interval())).put("suspended", c.suspended());
      c.secret().ifPresent(s -> n.put("secret", s));
      c.webhookSecret().ifPresent(s -> n.put("webhookSecret", s));
    }
    ArrayNode suspended = root.putArray("suspendedSandboxes");
    new TreeSet<>(contents.suspendedSandboxes()).forEach(suspended::add);
    AtomicFiles.write(file, (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<String> optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asString().isBlank() ? Optional.empty() : Optional.of(v.asString());
  }
}

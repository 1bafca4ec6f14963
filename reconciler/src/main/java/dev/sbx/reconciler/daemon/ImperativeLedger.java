package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.desired.EgressSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What was changed by hand, per sandbox, kept in {@code STATE/policy/imperative.json}: every
 * {@code sbx policy allow|deny|rm|set-default} (so a diff can say "allow X added by sbx policy
 * allow" instead of only "+ X"), and, for sandboxes created imperatively ({@code sbx create/run},
 * owner {@code cli}), the rules they were created with and the rules they have now (the daemon
 * puts those back on the proxy after a restart; no source holds them). Written atomically
 * (temp file + rename); all methods are synchronized.
 */
final class ImperativeLedger {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Oldest changes are dropped beyond this many per sandbox. */
  private static final int MAX_CHANGES = 200;

  /** One imperative change: {@code action} is allow, deny, rm-allow, rm-deny or set-default. */
  record Entry(String action, String rule, String previous, Instant at) {
    Entry {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(rule, "rule");
      previous = previous == null ? "" : previous;
      Objects.requireNonNull(at, "at");
    }

    /** {@code sbx policy allow}, {@code sbx policy rm}, ... */
    String command() {
      return "sbx policy " + (action.startsWith("rm-") ? "rm" : action);
    }
  }

  /** A sandbox created by {@code sbx create/run}: its rules at creation (from its kit) and now. */
  record CliSandbox(String agent, EgressSpec created, EgressSpec current) {}

  private final Path file;
  private final Map<String, List<Entry>> changes = new TreeMap<>();
  private final Map<String, CliSandbox> cli = new TreeMap<>();

  ImperativeLedger(Path file) {
    this.file = file;
    load();
  }

  synchronized void record(String sandbox, Entry e) {
    List<Entry> list = changes.computeIfAbsent(sandbox, k -> new ArrayList<>());
    list.add(e);
    if (list.size() > MAX_CHANGES) {
      list.remove(0);
    }
    save();
  }

  synchronized List<Entry> changes(String sandbox) {
    return List.copyOf(changes.getOrDefault(sandbox, List.of()));
  }

  /** The newest change that touched {@code rule} with {@code action}, if any. */
  synchronized Optional<Entry> last(String sandbox, String action, String rule) {
    List<Entry> list = changes.getOrDefault(sandbox, List.of());
    for (int i = list.size() - 1; i >= 0; i--) {
      Entry e = list.get(i);
      if (e.action().equals(action) && e.rule().equals(rule)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  synchronized void putCli(String sandbox, CliSandbox s) {
    cli.put(sandbox, s);
    save();
  }

  synchronized Optional<CliSandbox> cli(String sandbox) {
    return Optional.ofNullable(cli.get(sandbox));
  }

  synchronized Map<String, CliSandbox> cliSandboxes() {
    return Map.copyOf(cli);
  }

  /** Forgets a sandbox (it was removed). */
  synchronized void forget(String sandbox) {
    if (changes.remove(sandbox) != null | cli.remove(sandbox) != null) {
      save();
    }
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      JsonNode root = JSON.readTree(Files.readString(file));
      root.path("changes").properties().forEach(e -> {
        List<Entry> list = new ArrayList<>();
        e.getValue().forEach(n -> list.add(new Entry(n.get("action").asString(), n.get("rule").asString(),
            n.path("previous").asString(""), Instant.parse(n.get("at").asString()))));
        changes.put(e.getKey(), list);
      });
      root.path("cli").properties().forEach(e -> cli.put(e.getKey(), new CliSandbox(
          e.getValue().path("agent").asString(""), spec(e.getValue().get("created")), spec(e.getValue().get("current")))));
    } catch (IOException | RuntimeException e) {
      // An unreadable ledger loses only the "by sbx policy ..." annotations and the rules of
      // imperative sandboxes (they fall back to deny-all): never a reason not to start.
      changes.clear();
      cli.clear();
    }
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode c = root.putObject("changes");
    changes.forEach((name, list) -> {
      ArrayNode a = c.putArray(name);
      list.forEach(e -> a.addObject().put("action", e.action()).put("rule", e.rule()).put("previous", e.previous())
          .put("at", e.at().toString()));
    });
    ObjectNode s = root.putObject("cli");
    cli.forEach((name, x) -> {
      ObjectNode n = s.putObject(name);
      n.put("agent", x.agent());
      n.set("created", json(x.created()));
      n.set("current", json(x.current()));
    });
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, root.toPrettyString());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static ObjectNode json(EgressSpec spec) {
    ObjectNode n = JSON.createObjectNode().put("default", spec.defaultMode());
    spec.allow().forEach(n.putArray("allow")::add);
    spec.deny().forEach(n.putArray("deny")::add);
    return n;
  }

  static EgressSpec spec(JsonNode n) {
    List<String> allow = new ArrayList<>();
    n.path("allow").forEach(x -> allow.add(x.asString()));
    List<String> deny = new ArrayList<>();
    n.path("deny").forEach(x -> deny.add(x.asString()));
    return new EgressSpec(n.get("default").asString(), allow, deny);
  }
}

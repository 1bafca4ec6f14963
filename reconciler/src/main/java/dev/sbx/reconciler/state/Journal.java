package dev.sbx.reconciler.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The append-only intent journal, {@code state-dir/journal.jsonl}: one JSON object per line, each
 * append fsynced before the call returns. A torn last line (a crash mid-write) is ignored on read.
 */
public final class Journal {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final Path file;
  private final Clock clock;

  public Journal(Path stateDir, Clock clock) {
    this.file = stateDir.resolve("journal.jsonl");
    this.clock = clock;
  }

  public Path file() {
    return file;
  }

  /** Records that {@code action} on {@code sandbox} is about to run; returns the id for its outcome. */
  public String intent(String sandbox, String action, String source) {
    String id = UUID.randomUUID().toString();
    append(new JournalEntry(JournalEntry.Type.INTENT, id, clock.instant(), sandbox, action, source, "", ""));
    return id;
  }

  public void outcome(String id, String sandbox, String action, String source, String status, String message) {
    append(new JournalEntry(JournalEntry.Type.OUTCOME, id, clock.instant(), sandbox, action, source, status, message));
  }

  public void append(JournalEntry e) {
    byte[] line = (JSON.writeValueAsString(toJson(e)) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot append to " + file, ex);
    }
  }

  private static ObjectNode toJson(JournalEntry e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", e.type().name().toLowerCase(java.util.Locale.ROOT));
    o.put("id", e.id());
    o.put("time", e.time().toString());
    o.put("sandbox", e.sandbox());
    o.put("action", e.action());
    o.put("source", e.source());
    if (e.type() == JournalEntry.Type.OUTCOME) {
      o.put("status", e.status());
      o.put("message", e.message());
    }
    return o;
  }

  /** Every complete entry, oldest first. */
  public List<JournalEntry> entries() {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<JournalEntry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode o = JSON.readTree(line);
        out.add(new JournalEntry(
            JournalEntry.Type.valueOf(o.path("type").asString().toUpperCase(java.util.Locale.ROOT)),
            o.path("id").asString(),
            Instant.parse(o.path("time").asString()),
            o.path("sandbox").asString(),
            o.path("action").asString(),
            o.path("source").asString(),
            o.path("status").asString(""),
            o.path("message").asString("")));
      } catch (JacksonException | IllegalArgumentException | java.time.DateTimeException e) {
        if (i == lines.size() - 1) {
          break; // torn last line: the process died while appending; its action never started
        }
        throw new StateFormatException(file, "line " + (i + 1) + " is not a journal entry");
      }
    }
    return out;
  }

  /**
   * Keeps the journal bounded: once it is larger than {@code maxBytes}, rewrites it atomically with
   * every intent that still lacks an outcome plus the newest {@code keep} entries. Call only under
   * the state lock (no concurrent appends). Returns true when it rewrote the file.
   */
  public boolean compact(long maxBytes, int keep) {
    try {
      if (!Files.exists(file) || Files.size(file) <= maxBytes) {
        return false;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<JournalEntry> all = entries();
    java.util.Set<String> open = new java.util.HashSet<>();
    dangling().forEach(e -> open.add(e.id()));
    StringBuilder text = new StringBuilder();
    int from = Math.max(0, all.size() - keep);
    for (int i = 0; i < all.size(); i++) {
      JournalEntry e = all.get(i);
      if (i >= from || open.contains(e.id())) {
        text.append(JSON.writeValueAsString(toJson(e))).append('\n');
      }
    }
    AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    return true;
  }

  /** Intents that have no outcome: actions interrupted by a crash, oldest first. */
  public List<JournalEntry> dangling() {
    Map<String, JournalEntry> open = new LinkedHashMap<>();
    for (JournalEntry e : entries()) {
      if (e.type() == JournalEntry.Type.INTENT) {
        open.put(e.id(), e);
      } else {
        open.remove(e.id());
      }
    }
    return List.copyOf(open.values());
  }
}

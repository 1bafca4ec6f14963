package dev.sbx.reconciler.state;

import static dev.sbx.reconciler.Fixtures.sandbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  @TempDir Path dir;

  @Test
  void recordsRoundTripOneFilePerSandboxWithoutTempFilesLeft() throws Exception {
    StateStore store = new StateStore(dir);
    Instant now = Instant.parse("2026-11-23T12:00:00Z");
    SandboxRecord a = new SandboxRecord("a", "dir:/x", true, Optional.of(sandbox("a")), "r1", now);
    store.put(a);
    store.put(SandboxRecord.creating("b", "dir:/x", now));
    assertEquals(Map.of("a", a, "b", SandboxRecord.creating("b", "dir:/x", now)), store.load().records());
    try (Stream<Path> files = Files.list(dir.resolve("sandboxes"))) {
      assertEquals(List.of("a.json", "b.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    store.remove("a");
    assertTrue(store.get("a").isEmpty());
  }

  @Test
  void damagedRecordNamesTheFile() throws Exception {
    Files.createDirectories(dir.resolve("sandboxes"));
    Files.writeString(dir.resolve("sandboxes/a.json"), "{\"formatVersion\": 1, \"name\": ");
    StateFormatException e = assertThrows(StateFormatException.class, () -> new StateStore(dir).load());
    assertTrue(e.getMessage().contains("a.json"), e.getMessage());
  }

  @Test
  void journalFindsDanglingIntentsAndIgnoresATornLastLine() throws Exception {
    Journal journal = new Journal(dir, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    String done = journal.intent("a", "vm.create", "dir:/x");
    journal.outcome(done, "a", "vm.create", "dir:/x", JournalEntry.OK, "changed");
    String open = journal.intent("a", "vm.start", "dir:/x");
    Files.writeString(journal.file(), "{\"type\":\"intent\",\"id\":\"x", java.nio.file.StandardOpenOption.APPEND);
    assertEquals(3, journal.entries().size());
    assertEquals(List.of(open), journal.dangling().stream().map(JournalEntry::id).toList());
  }

  @Test
  void compactionKeepsOpenIntentsAndTheNewestEntries() throws Exception {
    Journal journal = new Journal(dir, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    String oldOpen = journal.intent("a", "vm.create", "dir:/x");
    for (int i = 0; i < 50; i++) {
      String id = journal.intent("b", "egress.set", "dir:/x");
      journal.outcome(id, "b", "egress.set", "dir:/x", JournalEntry.OK, "changed");
    }
    assertTrue(!journal.compact(Files.size(journal.file()), 10), "under the limit: untouched");
    assertTrue(journal.compact(100, 10));
    List<JournalEntry> left = journal.entries();
    assertEquals(11, left.size());
    assertEquals(oldOpen, left.get(0).id());
    assertEquals(List.of(oldOpen), journal.dangling().stream().map(JournalEntry::id).toList());
  }

  @Test
  void defaultRootFollowsXdg() {
    Path home = Path.of("/home/u");
    assertEquals(Path.of("/xdg/sbx"), StateDirectory.defaultRoot(Map.of("XDG_STATE_HOME", "/xdg"), home));
    assertEquals(Path.of("/home/u/.local/state/sbx"), StateDirectory.defaultRoot(Map.of(), home));
    assertEquals(Path.of("/home/u/.local/state/sbx"), StateDirectory.defaultRoot(Map.of("XDG_STATE_HOME", "rel"), home));
  }
}

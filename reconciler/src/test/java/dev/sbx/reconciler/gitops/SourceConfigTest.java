package dev.sbx.reconciler.gitops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.source.GitRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of source options (refs, intervals, names) and the persisted {@code sources.json}. */
class SourceConfigTest {
  @TempDir Path tmp;

  @Property
  void intervalsRoundTripThroughTheirShortestSpelling(@ForAll @LongRange(min = 100, max = 10_000_000_000L) long ms) {
    Duration d = Duration.ofMillis(ms);
    String text = SourceConfig.formatInterval(d);
    assertEquals(d, SourceConfig.parseInterval(text), text);
    assertTrue(text.matches("\\d+(ms|s|m|h)"), text);
  }

  @Test
  void intervalsInEveryUnitAndBadOnesNamed() {
    assertEquals(Duration.ofMillis(500), SourceConfig.parseInterval("500ms"));
    assertEquals(Duration.ofSeconds(30), SourceConfig.parseInterval("30s"));
    assertEquals(Duration.ofMinutes(1), SourceConfig.parseInterval("1m"));
    assertEquals(Duration.ofHours(2), SourceConfig.parseInterval("2h"));
    assertEquals(Duration.ofMinutes(5), SourceConfig.parseInterval("PT5M"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceConfig.parseInterval("soon"));
    assertTrue(e.getMessage().contains("'soon'") && e.getMessage().contains("30s"), e.getMessage());
  }

  @Test
  void refsAsBranchTagOrCommit() {
    assertEquals(GitRef.branch("main"), SourceConfig.gitRef("main"));
    assertEquals(GitRef.branch("release/1"), SourceConfig.gitRef("branch:release/1"));
    assertEquals(GitRef.branch("dev"), SourceConfig.gitRef("refs/heads/dev"));
    assertEquals(GitRef.tag("v1"), SourceConfig.gitRef("tag:v1"));
    assertEquals(GitRef.tag("v1"), SourceConfig.gitRef("tags/v1"));
    assertEquals(GitRef.tag("v1"), SourceConfig.gitRef("refs/tags/v1"));
    String sha = "0123456789abcdef0123456789abcdef01234567";
    assertEquals(GitRef.commit(sha), SourceConfig.gitRef(sha));
    assertEquals(GitRef.commit(sha), SourceConfig.gitRef("commit:" + sha));
    assertThrows(IllegalArgumentException.class, () -> SourceConfig.gitRef("commit:abc"));
  }

  @Test
  void namesAreDnsLabels() {
    assertThrows(IllegalArgumentException.class, () -> SourceConfig.dir("Fleet", tmp, Duration.ofMinutes(5)));
    assertThrows(IllegalArgumentException.class, () -> SourceConfig.dir("a/b", tmp, Duration.ofMinutes(5)));
    assertThrows(IllegalArgumentException.class, () -> SourceConfig.dir("-x", tmp, Duration.ofMinutes(5)));
    assertEquals("fleet-2", SourceConfig.dir("fleet-2", tmp, Duration.ofMinutes(5)).name());
    assertThrows(IllegalArgumentException.class, () -> SourceConfig.dir("x", tmp, Duration.ofMillis(10)));
  }

  @Test
  void sourcesJsonRoundTripsAndHoldsSecretNamesOnly() throws Exception {
    SourceConfigs store = new SourceConfigs(tmp.resolve("sources.json"));
    assertTrue(store.load().sources().isEmpty());
    SourceConfig git = SourceConfig.git("fleet", "https://github.com/org/fleet.git", "tag:v1", "gitops",
        Duration.ofSeconds(30), Optional.of("github"), Optional.of("fleet-hook")).withSuspended(true);
    SourceConfig dir = SourceConfig.dir("local", tmp, Duration.ofMinutes(5));
    store.save(new SourceConfigs.Contents(java.util.List.of(git, dir), java.util.Set.of("dev")));
    SourceConfigs.Contents back = store.load();
    assertEquals(java.util.List.of(git, dir), back.sources());
    assertEquals(java.util.Set.of("dev"), back.suspendedSandboxes());
    String text = java.nio.file.Files.readString(tmp.resolve("sources.json"));
    assertTrue(text.contains("\"secret\" : \"github\""), text);
    assertFalse(text.contains("token"), text);
  }

  @Test
  void aDamagedFileIsAStateFormatError() throws Exception {
    java.nio.file.Files.writeString(tmp.resolve("sources.json"), "{\"sources\":[{\"name\":\"x\"}]}");
    var e = assertThrows(dev.sbx.reconciler.state.StateFormatException.class,
        () -> new SourceConfigs(tmp.resolve("sources.json")).load());
    assertTrue(e.getMessage().contains("sources.json"), e.getMessage());
  }
}

package dev.sbx.vm.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AptSourcesTest {
  @TempDir Path etc;

  @Test
  void readsOneLineAndDeb822SourcesAndSkipsSecurity() throws IOException {
    Files.createDirectories(etc.resolve("sources.list.d"));
    Files.writeString(etc.resolve("sources.list"), "# comment\ndeb-src http://example.com/src bookworm main\n"
        + "deb [arch=amd64 signed-by=/k.gpg] http://example.com/old bullseye main\n");
    Files.writeString(etc.resolve("sources.list.d/debian.sources"), "Types: deb\n"
        + "URIs: http://example.com/debian-security\nSuites: bookworm-security\nComponents: main\n\n"
        + "Types: deb deb-src\nURIs: http://example.com/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\n"
        + "Types: deb\nURIs: http://example.com/off\nSuites: trixie\nEnabled: no\n");
    assertEquals(Optional.of("http://example.com/debian"), AptSources.mirrorFor(etc, "bookworm"));
    assertEquals(Optional.of("http://example.com/old"), AptSources.mirrorFor(etc, "bullseye"));
    assertEquals(Optional.empty(), AptSources.mirrorFor(etc, "trixie"), "disabled stanza");
    assertEquals(3, AptSources.read(etc).size());
  }

  @Test
  void aSuiteOnlyListedWithASuffixStillFindsItsMirror() throws IOException {
    Files.writeString(etc.resolve("sources.list"), "deb http://example.com/d bookworm-updates main\n");
    assertEquals(Optional.of("http://example.com/d"), AptSources.mirrorFor(etc, "bookworm"));
  }

  @Test
  void noMirrorIsAUserErrorNamingTheOption(@TempDir Path data) {
    var builder = new DebianImageBuilder(new ImageStore(data), null, etc, "debootstrap");
    var e = assertThrows(ImageException.class,
        () -> builder.mirror(new DebianImageBuilder.Request("bookworm", List.of(), null, null)));
    assertEquals(ImageException.Kind.INVALID, e.kind());
    assertTrue(e.getMessage().contains("--mirror"), e.getMessage());
  }

  @Test
  void requestsAreCheckedAndNamed() {
    var r = new DebianImageBuilder.Request("bookworm", List.of("python3", "git", "git"), null, null);
    assertEquals(List.of("git", "python3"), r.packages(), "sorted, once each");
    assertEquals("debian:bookworm-git-python3", r.reference());
    assertEquals("team/dev:1", new DebianImageBuilder.Request("bookworm", List.of(), null, "team/dev:1").reference());
    assertEquals("debian:bookworm", new DebianImageBuilder.Request("bookworm", List.of(), null, null).reference());
    assertEquals("debian:trixie-libstdcpp6", new DebianImageBuilder.Request("trixie", List.of("libstdc++6"), null,
        null).reference());
    for (var bad : List.<Runnable>of(
        () -> new DebianImageBuilder.Request("Bookworm!", List.of(), null, null),
        () -> new DebianImageBuilder.Request("bookworm", List.of("rm -rf"), null, null),
        () -> new DebianImageBuilder.Request("bookworm", List.of(), null, "Bad Tag"))) {
      assertEquals(ImageException.Kind.INVALID, assertThrows(ImageException.class, bad::run).kind());
    }
    assertTrue(DebianImageBuilder.cacheKey(r, "http://example.com/a")
        .matches("[0-9a-f]{16}"));
    assertTrue(!DebianImageBuilder.cacheKey(r, "http://example.com/a")
        .equals(DebianImageBuilder.cacheKey(r, "http://example.com/b")), "the mirror is part of the key");
  }

  @Test
  void missingDebootstrapIsAnEnvironmentError(@TempDir Path data) throws IOException {
    Files.writeString(etc.resolve("sources.list"), "deb http://example.com/d bookworm main\n");
    var builder = new DebianImageBuilder(new ImageStore(data), null, etc, "/nonexistent/debootstrap");
    var e = assertThrows(ImageException.class,
        () -> builder.build(new DebianImageBuilder.Request("bookworm", List.of(), null, null), l -> { }));
    assertEquals(ImageException.Kind.ENVIRONMENT, e.kind());
  }
}

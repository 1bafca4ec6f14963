package dev.sbx.reconciler.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.gitops.Await;
import dev.sbx.reconciler.source.DirectorySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local directory source with the real directory watcher: edits are picked up, debounced. */
class DirectoryGitOpsIT {
  @TempDir Path tmp;
  ControllerFixture f;
  Path dir;

  @BeforeEach
  void setUp() throws Exception {
    f = new ControllerFixture(tmp.resolve("state"));
    dir = Files.createDirectories(tmp.resolve("gitops/sandboxes")).getParent();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void editsArePickedUpAndABurstIsDebounced() throws Exception {
    Files.writeString(dir.resolve("sandboxes/web.properties"), "allow=api.github.com:443\n");
    DirectorySource source = new DirectorySource(dir, Duration.ofMillis(300), Duration.ofHours(1), Clock.systemUTC());
    f.controller.add(source);
    f.controller.start();
    String id = source.id();
    f.awaitSource(id, s -> s.ready(), "first apply");
    assertTrue(f.world.vm("web").isPresent());

    Files.writeString(dir.resolve("sandboxes/web.properties"), "allow=crates.io:443\n");
    Await.until(Duration.ofSeconds(30),
        () -> f.world.rules("web").map(r -> r.allow().equals(List.of("crates.io:443"))).orElse(false),
        () -> "the edit reached the sandbox; status " + f.status(id));
    Await.until(Duration.ofSeconds(10), () -> f.status(id).ready(), () -> "ready again");

    long before = f.triggers("watch");
    for (int i = 0; i < 10; i++) {
      Files.writeString(dir.resolve("sandboxes/api.properties"), "allow=example.com:44" + i + "\n");
    }
    Await.until(Duration.ofSeconds(30),
        () -> f.world.rules("api").map(r -> r.allow().equals(List.of("example.com:449"))).orElse(false),
        () -> "the last of a burst of writes reached the sandbox");
    long fired = f.triggers("watch") - before;
    assertTrue(fired >= 1 && fired <= 3, "10 writes in a burst gave " + fired + " watch triggers");

    Files.delete(dir.resolve("sandboxes/api.properties"));
    Await.until(Duration.ofSeconds(30), () -> f.world.vm("api").isEmpty(), () -> "deleting the file prunes");
    assertEquals("dir:" + dir.toAbsolutePath().normalize(), id);
  }

  @Test
  void hiddenFilesDoNotChangeTheRevision() throws Exception {
    Files.writeString(dir.resolve("sandboxes/web.properties"), "allow=api.github.com:443\n");
    DirectorySource source = DirectorySource.of(dir);
    String r1 = source.fetch().revision();
    Files.writeString(dir.resolve("sandboxes/.web.properties.swp"), "junk");
    assertEquals(r1, source.fetch().revision());
    Files.writeString(dir.resolve("sandboxes/web.properties"), "allow=crates.io:443\n");
    assertTrue(!r1.equals(source.fetch().revision()));
  }
}

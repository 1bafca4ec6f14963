package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The real community kits through the real CLI: ../shared/corpus beside the repository root. */
class CorpusCliTest {
  static Path corpus() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    while (dir != null && Files.exists(dir.getParent().resolve("mvnw"))) {
      dir = dir.getParent();
    }
    for (Path d = dir; d != null; d = d.getParent()) {
      Path candidate = d.resolveSibling("shared").resolve("corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but ../shared/corpus was not found beside the repository root");
    }
    Assumptions.abort("../shared/corpus not present");
    return null;
  }

  static List<String> find(Path root, String name) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().equals(name) || name.equals("*.yaml")
              && p.toString().endsWith(".yaml"))
          .map(p -> name.equals("spec.yaml") ? p.getParent().toString() : p.toString())
          .sorted().toList();
    }
  }

  @Test
  void everyContribKitValidatesAndRendersThroughTheCli() throws IOException {
    List<String> kits = find(corpus().resolve("sbx-kits-contrib"), "spec.yaml");
    assertTrue(kits.size() >= 99, "kits: " + kits.size());
    List<String> args = new ArrayList<>(List.of("kit", "validate"));
    args.addAll(kits);
    CliRun validate = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, validate.exitCode(), validate.err());
    assertEquals(kits.size(), validate.out().lines().filter(l -> l.startsWith("ok ")).count());
    // Several KITs given to one `kit render` are one stack (issue 3), so each renders alone.
    for (String kit : kits) {
      CliRun render = CliRun.of("kit", "render", kit);
      assertEquals(0, render.exitCode(), kit + ": " + render.err());
      assertTrue(render.out().startsWith("schemaVersion: '2'\n"), kit + ": " + render.out());
    }
  }

  @Test
  void v3DescriptorsGiveOneClearErrorEachThroughTheCli() throws IOException {
    List<String> files = find(corpus().resolve("sbx-kits-contrib-v3"), "*.yaml");
    List<String> args = new ArrayList<>(List.of("kit", "validate"));
    args.addAll(files);
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(2, run.exitCode());
    assertFalse(run.hasStackTrace());
    assertEquals(files.size(), run.err().lines()
        .filter(l -> l.endsWith(": schemaVersion 3 is not supported yet")).count(), run.err());
  }
}

package dev.sbx.reconciler.merge;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.model.LoadedKit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Kits for tests: real ones from the shared corpus, and small ones written to a temp dir. */
final class TestKits {
  private TestKits() {}

  /** {@code ../shared/corpus/sbx-kits-contrib} beside the repository root. */
  static Path corpus() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("schemas"))) {
        for (Path up = dir; up != null; up = up.getParent()) {
          Path candidate = up.resolveSibling("shared").resolve("corpus").resolve("sbx-kits-contrib");
          if (Files.isDirectory(candidate)) {
            return candidate;
          }
        }
      }
      dir = dir.getParent();
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but ../shared/corpus was not found beside the repository root");
    }
    Assumptions.abort("../shared/corpus not present");
    return null;
  }

  static LoadedKit corpus(String name) {
    return KitLoader.defaults().load(corpus().resolve(name));
  }

  /** Writes {@code dir/name/spec.yaml} and returns the kit directory. */
  static Path write(Path dir, String name, String yaml) {
    try {
      Path kit = dir.resolve(name);
      Files.createDirectories(kit);
      Files.writeString(kit.resolve("spec.yaml"), yaml);
      return kit;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a file under {@code kitDir/files/...}. */
  static void file(Path kitDir, String relative, String content) {
    try {
      Path f = kitDir.resolve("files").resolve(relative);
      Files.createDirectories(f.getParent());
      Files.writeString(f, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LoadedKit load(Path dir, String name, String yaml) {
    return KitLoader.defaults().load(write(dir, name, yaml));
  }

  /** A mixin spec with the given body (YAML lines after the header). */
  static String mixin(String name, String body) {
    return "schemaVersion: \"2\"\nkind: mixin\nname: " + name + "\n" + body;
  }

  static String sandbox(String name, String image, String body) {
    return "schemaVersion: \"2\"\nkind: sandbox\nname: " + name + "\nsandbox:\n  image: " + image
        + "\n" + body;
  }
}

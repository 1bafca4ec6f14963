package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared kit corpus: {@code ../shared/corpus} beside the repository root (the CI clone
 * has it there). Absent locally: tests skip; absent with CI=true: they fail.
 */
public final class Corpus {
  private Corpus() {}

  public static Path root() {
    Optional<Path> found = locate();
    if (found.isEmpty()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true but ../shared/corpus was not found beside the repository root");
      }
      Assumptions.abort("../shared/corpus not present");
    }
    return found.get();
  }

  static Optional<Path> locate() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("mvnw")) && Files.exists(dir.resolve("schemas"))) {
        for (Path candidate : List.of(dir.resolveSibling("shared").resolve("corpus"),
            dir.getParent() == null ? dir : dir.getParent().resolveSibling("shared").resolve("corpus"))) {
          if (Files.isDirectory(candidate)) {
            return Optional.of(candidate);
          }
        }
        return Optional.empty();
      }
      dir = dir.getParent();
    }
    return Optional.empty();
  }

  /** Every file of this name under {@code corpus/<folder>/}, sorted. */
  public static List<Path> files(String folder, String glob) {
    try (Stream<Path> s = Files.walk(root().resolve(folder))) {
      var matcher = root().getFileSystem().getPathMatcher("glob:" + glob);
      return s.filter(p -> matcher.matches(p.getFileName())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

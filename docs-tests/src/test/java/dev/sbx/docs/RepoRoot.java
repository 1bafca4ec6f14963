package dev.sbx.docs;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root seen from a test: the first ancestor of the working directory with {@code mvnw} and {@code docs/}. */
final class RepoRoot {
  private RepoRoot() {}

  static Path find() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("docs"))
          && Files.isDirectory(p.resolve("examples"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (mvnw + docs/ + examples/) above " + dir);
  }
}

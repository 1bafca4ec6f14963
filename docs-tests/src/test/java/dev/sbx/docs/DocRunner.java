package dev.sbx.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs documented commands the way a reader would: {@code bash -c COMMAND} in a scratch copy of
 * the repository's {@code docs/} and {@code examples/}, with {@code sbx} and {@code ./sbx} both
 * starting the CLI jar this build made ({@code reconciler/target/sbx.jar}), and every sbx file in
 * a fresh state directory ({@code SBX_STATE_DIR}).
 */
final class DocRunner {
  record Result(int exitCode, String output) {}

  private final Path work;
  private final Path stateDir;
  private final Map<String, String> extraEnv;

  private DocRunner(Path work, Path stateDir, Map<String, String> extraEnv) {
    this.work = work;
    this.stateDir = stateDir;
    this.extraEnv = extraEnv;
  }

  /** A scratch copy of the repository's docs and examples under {@code scratch}. */
  static DocRunner prepare(Path repo, Path scratch, Map<String, String> extraEnv) {
    try {
      Path jar = repo.resolve("reconciler/target/sbx.jar");
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing: build with ./mvnw -B verify -pl docs-tests -am"
            + " (the reconciler's package phase makes it)");
      }
      Path work = scratch.resolve("repo");
      for (String dir : List.of("docs", "examples")) {
        copyTree(repo.resolve(dir), work.resolve(dir));
      }
      String launcher = "#!/usr/bin/env bash\n# test launcher: the CLI jar of the build under test\nexec java "
          + "-XX:TieredStopAtLevel=1 -Xshare:auto -jar '" + jar + "' \"$@\"\n";
      Path bin = Files.createDirectories(scratch.resolve("bin"));
      for (Path p : List.of(work.resolve("sbx"), bin.resolve("sbx"))) {
        Files.writeString(p, launcher, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Path state = Files.createDirectories(scratch.resolve("state"));
      return new DocRunner(work, state, extraEnv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path work() {
    return work;
  }

  Path stateDir() {
    return stateDir;
  }

  Result run(String command, long timeoutSeconds) {
    ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).directory(work.toFile())
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("PATH", work.getParent().resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("SBX_STATE_DIR", stateDir.toString());
    env.remove("SBX_DEBUG");
    env.put("NO_COLOR", "1");
    env.putAll(extraEnv);
    try {
      Process p = pb.start();
      byte[] out;
      try (var in = p.getInputStream()) {
        var reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
        }
        out = reader.get(30, TimeUnit.SECONDS);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("reading the output of " + command, e);
    }
  }

  /** Runs one documented command and checks its exit code and, when the page shows one, its output. */
  void check(DocCommand c, long timeoutSeconds) {
    Result r = run(c.command(), timeoutSeconds);
    String context = c.where() + ": $ " + c.command() + "\n--- output (exit " + r.exitCode() + ") ---\n" + r.output();
    if (r.exitCode() != c.expectedExit()) {
      throw new AssertionError("exit code " + r.exitCode() + ", the page says " + c.expectedExit()
          + " (add '# exit N' to the command when a failure is expected)\n" + context);
    }
    if (!c.expectedOutput().isEmpty() && !DocPages.matches(c.expectedOutput(), r.output())) {
      throw new AssertionError("the output differs from the page (a line '...' stands for any lines, '...' in a"
          + " line for any text)\n--- page ---\n" + String.join("\n", c.expectedOutput()) + "\n" + context);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (dir.getFileName().toString().equals("target")) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover scratch directory under target/ is cleaned by mvn clean
    }
  }
}

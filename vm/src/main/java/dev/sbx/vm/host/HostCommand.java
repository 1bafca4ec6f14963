package dev.sbx.vm.host;

import dev.sbx.vm.api.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short host tool (apt-get, dpkg-deb, mkfs.ext4) to completion with a deadline. */
public final class HostCommand {
  private HostCommand() {}

  public record Result(int exitCode, String stdout, String stderr) {
    public Result orThrow(List<String> argv) {
      if (exitCode != 0) {
        throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null,
            "`" + String.join(" ", argv) + "` failed with exit code " + exitCode + ": " + stderr.strip());
      }
      return this;
    }
  }

  /** Runs {@code argv} in {@code cwd}; a missing tool or a timeout is an ENVIRONMENT error. */
  public static Result run(List<String> argv, Path cwd, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("sbx-cmd", ".out");
      err = Files.createTempFile("sbx-cmd", ".err");
      var builder = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (cwd != null) {
        builder.directory(cwd.toFile());
      }
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null,
            "`" + String.join(" ", argv) + "` did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null,
          "cannot run `" + argv.get(0) + "` (" + e.getMessage() + "); install it with scripts/prepare-host.sh", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException(SandboxException.Kind.IO, null, "interrupted running " + argv.get(0), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Whether an executable exists on PATH or at the given absolute path. */
  public static boolean available(String tool) {
    if (tool.contains("/")) {
      return Files.isExecutable(Path.of(tool));
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file; the OS cleans it eventually
      }
    }
  }
}

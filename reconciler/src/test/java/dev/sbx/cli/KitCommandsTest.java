package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class KitCommandsTest {
  @TempDir Path tmp;

  static Path examples() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(dir.resolve("examples/kits"))) {
      dir = dir.getParent();
    }
    return dir.resolve("examples/kits");
  }

  @Test
  void theExampleKitsValidate() throws IOException {
    try (var kits = Files.list(examples())) {
      String[] args = kits.map(Path::toString).sorted().toList().toArray(String[]::new);
      String[] all = new String[args.length + 2];
      all[0] = "kit";
      all[1] = "validate";
      System.arraycopy(args, 0, all, 2, args.length);
      CliRun run = CliRun.of(all);
      assertEquals(0, run.exitCode(), run.err());
      assertEquals(args.length, run.out().lines().filter(l -> l.startsWith("ok ")).count(), run.out());
    }
  }

  @Test
  void renderPrintsV2YamlThatValidatesAgain() throws IOException {
    CliRun run = CliRun.of("kit", "render", examples().resolve("gh-cli").toString(),
        "--kit-arg", "gh-cli.version=2.63.1");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("schemaVersion: '2'\n"), run.out());
    assertTrue(run.out().contains("download/v2.63.1/gh_2.63.1_linux_amd64"), run.out());
    Path copy = Files.createDirectories(tmp.resolve("copy"));
    Files.writeString(copy.resolve("spec.yaml"), run.out());
    assertEquals(0, CliRun.of("kit", "validate", copy.toString()).exitCode());
  }

  @Test
  void aKitArgForAKitNotGivenIsAUserError() {
    CliRun run = CliRun.of("kit", "render", examples().resolve("rust").toString(),
        "--kit-arg", "gh-cii.version=1.2.3");
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("", run.out());
    assertTrue(run.err().contains("no kit named 'gh-cii' among the given kits"), run.err());
  }

  @Test
  void renderJsonAndSeveralKits() {
    CliRun json = CliRun.of("kit", "render", "-o", "json", examples().resolve("rust").toString());
    assertEquals(0, json.exitCode(), json.err());
    assertTrue(json.out().startsWith("{"), json.out());
    assertTrue(json.out().contains("\"schemaVersion\" : \"2\""), json.out());
    // Several KITs are one stack (issue 3): the sandbox kit as the base, the mixin on top.
    CliRun two = CliRun.of("kit", "render", examples().resolve("rust").toString(),
        examples().resolve("shell-agent").toString());
    assertEquals(0, two.exitCode(), two.err());
    assertEquals(0, two.out().lines().filter(l -> l.equals("---")).count(), two.out());
    assertTrue(two.out().contains("name: shell-agent\n"), two.out());
  }

  @Test
  void renderOfAnInvalidKitPrintsNothingAndExitsTwo() throws IOException {
    Path bad = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(bad.resolve("spec.yaml"), "schemaVersion: \"2\"\nkind: mixin\nname: X\n");
    CliRun run = CliRun.of("kit", "render", bad.toString());
    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith(bad.resolve("spec.yaml") + ":3:1: 'name'"), run.err());
    assertTrue(run.err().contains("    at /name"), run.err());
    assertFalse(run.hasStackTrace());
  }

  @Test
  void userErrorsAndBugsMapToTheirExitCodesAtOneBoundary() {
    @Command(name = "boom")
    class Boom implements Callable<Integer> {
      final RuntimeException toThrow;

      Boom(RuntimeException toThrow) {
        this.toThrow = toThrow;
      }

      @Override
      public Integer call() {
        throw toThrow;
      }
    }
    class Locked extends RuntimeException implements UserError {
      @Override
      public java.util.List<String> userMessages() {
        return java.util.List.of("sandbox api-dev is locked by pid 42");
      }

      @Override
      public int exitCode() {
        return ExitCodes.LOCK_HELD;
      }
    }
    StringWriter err = new StringWriter();
    CommandLine user = new CommandLine(new Boom(new Locked()))
        .setExecutionExceptionHandler(new ErrorHandler()).setErr(new PrintWriter(err, true));
    assertEquals(4, user.execute());
    assertEquals("sandbox api-dev is locked by pid 42", err.toString().strip());

    StringWriter bugErr = new StringWriter();
    CommandLine bug = new CommandLine(new Boom(new IllegalStateException("oops")))
        .setExecutionExceptionHandler(new ErrorHandler()).setErr(new PrintWriter(bugErr, true));
    assertEquals(ExitCodes.INTERNAL, bug.execute());
    assertTrue(bugErr.toString().contains("internal error"), bugErr.toString());
    assertFalse(bugErr.toString().contains("\tat "), bugErr.toString());
  }

  @Test
  void debugShowsTheStackTraceOfAUserError() throws IOException {
    Path bad = Files.createDirectories(tmp.resolve("dbg"));
    Files.writeString(bad.resolve("spec.yaml"), "kind: mixin\n");
    CliRun run = CliRun.of("--debug", "kit", "render", bad.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("schemaVersion is missing"), run.err());
  }
}

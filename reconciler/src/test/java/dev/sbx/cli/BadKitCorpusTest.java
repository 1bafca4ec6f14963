package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus: every case goes through the real CLI in-process ({@code sbx kit validate})
 * and must exit 2, name FILE:LINE: with the expected line, carry the expected message, and print
 * no stack trace. The committed cases are listed in {@code bad-kits/cases.tsv}; the ones that
 * cannot be committed (10 MB file, symlinks, a zip with ../) are built here.
 */
class BadKitCorpusTest {
  private static final String VALID_MIXIN =
      "schemaVersion: \"2\"\nkind: mixin\nname: good\npermissions:\n  network:\n"
          + "    allow: [api.example.com]\n";

  @TempDir Path tmp;

  record Case(String name, int line, String message) {}

  static Path corpus() throws URISyntaxException {
    return Path.of(BadKitCorpusTest.class.getResource("/bad-kits/cases.tsv").toURI()).getParent();
  }

  static List<Case> cases() throws IOException, URISyntaxException {
    List<Case> cases = new ArrayList<>();
    for (String row : Files.readAllLines(corpus().resolve("cases.tsv"))) {
      if (row.isBlank() || row.startsWith("#")) {
        continue;
      }
      String[] f = row.split("\t", 3);
      cases.add(new Case(f[0], Integer.parseInt(f[1]), f[2]));
    }
    return cases;
  }

  @Test
  void theCorpusHasAtLeastFortyCommittedCases() throws Exception {
    assertTrue(cases().size() >= 40, "cases: " + cases().size());
  }

  @TestFactory
  Stream<DynamicTest> everyCommittedCaseFailsWithItsLine() throws Exception {
    Path root = corpus();
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      Path dir = root.resolve(c.name());
      assertFails(dir, dir.resolve("spec.yaml").toString(), c.line(), c.message());
    }));
  }

  @Test
  void aTenMegabyteFileIsRefusedBeforeParsing() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("huge"));
    try (OutputStream out = Files.newOutputStream(dir.resolve("spec.yaml"))) {
      out.write(VALID_MIXIN.getBytes(StandardCharsets.UTF_8));
      byte[] line = "# padding padding padding padding padding padding padding padding\n"
          .getBytes(StandardCharsets.UTF_8);
      for (long written = 0; written < 10L << 20; written += line.length) {
        out.write(line);
      }
    }
    assertFails(dir, dir.resolve("spec.yaml").toString(), 1, "over the limit of 1048576 bytes");
  }

  @Test
  void aSymlinkLeavingTheKitIsRefused() throws IOException {
    Path dir = kit("escape");
    Path home = Files.createDirectories(dir.resolve("files/home/.config"));
    Path outside = Files.writeString(tmp.resolve("secret.txt"), "not yours");
    Files.createSymbolicLink(home.resolve("stolen"), outside);
    CliRun run = assertFails(dir, dir + "/files/home/.config/stolen", 1,
        "symlink that escapes the kit directory");
    assertFalse(run.err().contains("not yours"));
  }

  @Test
  void aSymlinkInsideTheKitIsFine() throws IOException {
    Path dir = kit("inside");
    Path home = Files.createDirectories(dir.resolve("files/home"));
    Files.writeString(home.resolve("real.txt"), "hello");
    Files.createSymbolicLink(home.resolve("alias.txt"), Path.of("real.txt"));
    CliRun run = CliRun.of("kit", "validate", dir.toString());
    assertEquals(0, run.exitCode(), run.err());
  }

  @Test
  void aDanglingSymlinkIsRefused() throws IOException {
    Path dir = kit("dangling");
    Path home = Files.createDirectories(dir.resolve("files/workspace"));
    Files.createSymbolicLink(home.resolve("gone"), Path.of("nowhere/at/all"));
    assertFails(dir, dir + "/files/workspace/gone", 1, "dangling symlink");
  }

  @Test
  void aZipWithPathTraversalIsRefused() throws IOException {
    Path zip = tmp.resolve("evil.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("spec.yaml"));
      out.write(VALID_MIXIN.getBytes(StandardCharsets.UTF_8));
      out.putNextEntry(new ZipEntry("files/home/../../../../tmp/pwned"));
      out.write("x".getBytes(StandardCharsets.UTF_8));
    }
    CliRun run = CliRun.of("kit", "validate", zip.toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains(zip + ":1:1: zip entry 'files/home/../../../../tmp/pwned'"),
        run.err());
    assertTrue(run.err().contains("path traversal"), run.err());
    assertFalse(run.hasStackTrace(), run.err());
  }

  @Test
  void anUnknownArgInAFilesArtifactNamesThatFileAndLine() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("argfile"));
    Files.writeString(dir.resolve("spec.yaml"), VALID_MIXIN + "args:\n  host:\n    default: x\n");
    Path conf = Files.createDirectories(dir.resolve("files/home")).resolve("app.conf");
    Files.writeString(conf, "a=1\nhost=${{ kit.args.host }}\nport=${{ kit.args.port }}\n");
    assertFails(dir, dir + "/files/home/app.conf", 3, "unknown arg 'port'");
  }

  @Test
  void otherExpressionsInFilesAreLeftAlone() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("workflow"));
    Files.writeString(dir.resolve("spec.yaml"), VALID_MIXIN.replace("name: good", "name: workflow")
        + "args:\n  ver:\n    default: '1.2'\n");
    Path wf = Files.createDirectories(dir.resolve("files/workspace/.github/workflows"));
    Files.writeString(wf.resolve("ci.yml"),
        "env:\n  TOKEN: ${{ secrets.TOKEN }}\n  VER: ${{ kit.args.ver }}\n");
    CliRun run = CliRun.of("kit", "validate", dir.toString());
    assertEquals(0, run.exitCode(), run.err());
    var kit = dev.sbx.schemas.KitLoader.defaults().load(dir).kit();
    assertEquals("env:\n  TOKEN: ${{ secrets.TOKEN }}\n  VER: 1.2\n",
        new String(kit.files().get(0).content(), StandardCharsets.UTF_8));
  }

  @Test
  void aKitArgForAnUndeclaredArgIsAnError() throws IOException {
    Path dir = kit("noargs");
    CliRun run = CliRun.of("kit", "validate", "--kit-arg", "noargs.host=x", dir.toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--kit-arg host is not an arg of this kit"), run.err());
  }

  @Test
  void aMalformedKitArgIsAUserError() throws IOException {
    Path dir = kit("malformed");
    CliRun run = CliRun.of("kit", "validate", "--kit-arg", "no-equals-sign", dir.toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("is not KIT.NAME=VALUE"), run.err());
    assertFalse(run.hasStackTrace(), run.err());
  }

  @Test
  void aMissingPathIsAUserError() {
    CliRun run = CliRun.of("kit", "validate", tmp.resolve("nope").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no such file or directory"), run.err());
  }

  @Test
  void validKitsNextToABadOneAreStillReported() throws IOException {
    Path good = kit("good");
    Path bad = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(bad.resolve("spec.yaml"), "schemaVersion: \"2\"\nkind: mixin\n");
    CliRun run = CliRun.of("kit", "validate", good.toString(), bad.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.out().contains("ok   " + good), run.out());
    assertTrue(run.out().contains("FAIL " + bad), run.out());
  }

  private Path kit(String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("spec.yaml"), VALID_MIXIN.replace("name: good", "name: " + name));
    return dir;
  }

  private static CliRun assertFails(Path kit, String file, int line, String message) {
    CliRun run = CliRun.of("kit", "validate", kit.toString());
    assertEquals(2, run.exitCode(), "exit code; stderr:\n" + run.err());
    assertFalse(run.hasStackTrace(), "no stack trace:\n" + run.err());
    String expected = file + ":" + line + ":";
    String first = run.err().lines().findFirst().orElse("");
    assertTrue(first.startsWith(expected), "expected " + expected + " first; got:\n" + run.err());
    assertTrue(run.err().contains(message), "expected message '" + message + "':\n" + run.err());
    return run;
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -o table|json|yaml} and {@code --color} on the real commands (ls, secret ls). */
class OutputConventionsTest {
  private final FakeSandboxRuntime runtime = new FakeSandboxRuntime();
  @TempDir Path state;

  @BeforeEach
  void useFake() {
    SandboxRuntimes.override(() -> runtime);
    runtime.create(SandboxSpec.minimal("dev").withResources(2, 2048));
    runtime.start("dev");
    runtime.create(SandboxSpec.minimal("a-longer-name"));
  }

  @AfterEach
  void reset() {
    SandboxRuntimes.reset();
  }

  private CliRun sbx(String... args) {
    return CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--state-dir", state.toString())).toArray(String[]::new));
  }

  @Test
  void lsTableIsAlignedAndUncolouredWhenNotATerminal() {
    CliRun run = sbx("ls");
    assertEquals(0, run.exitCode(), run.err());
    var lines = run.out().lines().toList();
    assertEquals("SANDBOX         AGENT   STATUS    PORTS   WORKSPACE", lines.get(0));
    int status = lines.get(0).indexOf("STATUS");
    assertTrue(lines.stream().skip(1).allMatch(l -> l.length() > status && l.charAt(status - 1) == ' '
        && l.charAt(status) != ' '), run.out());
    assertFalse(run.out().contains("\u001b["), "no colour: stdout is not a terminal");
  }

  @Test
  void colorAlwaysStylesTheTableAndNeverDoesNot() {
    CliRun always = sbx("ls", "--color=always");
    assertTrue(always.out().startsWith("\u001b[1mSANDBOX"), always.out());
    assertTrue(always.out().contains("\u001b[32mrunning\u001b[0m"), always.out());
    assertFalse(sbx("--color=never", "ls").out().contains("\u001b["));
    CliRun bad = sbx("ls", "--color=sometimes");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("auto, always or never"), bad.err());
  }

  @Test
  void lsYamlAndJsonCarryTheSameFields() {
    CliRun yaml = sbx("ls", "-o", "yaml");
    assertEquals(0, yaml.exitCode(), yaml.err());
    assertTrue(yaml.out().contains("- name: a-longer-name"), yaml.out());
    assertTrue(yaml.out().contains("  cpus: 2"), yaml.out());
    CliRun json = sbx("ls", "-o", "json");
    assertTrue(json.out().replace(" ", "").contains("\"cpus\":2"), json.out());
  }

  @Test
  void aBadOutputFormatIsOneLineAndExit2() {
    CliRun bad = sbx("ls", "-o", "xml");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("-o must be table, json or yaml, not 'xml'"), bad.err());
    assertFalse(bad.hasStackTrace(), bad.err());
  }

  @Test
  void createShowsBootProgressLineByLineOffATerminal(@TempDir Path workspace) {
    CliRun run = CliRun.of("create", "shell", workspace.toString(), "--name", "booted");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("booted running (ready in "), "stdout unchanged: " + run.out());
    var lines = run.err().lines().toList();
    assertEquals("booting booted ...", lines.get(0), run.err());
    assertTrue(lines.get(1).matches("booting booted: running \\(\\d+\\.\\d s\\)"), run.err());
    assertFalse(run.err().contains("\r"), "no in-place updates in a log");
  }

  @Test
  void secretLsTakesTheSameFormats() {
    CliRun yaml = sbx("secret", "ls", "-o", "yaml");
    assertEquals(0, yaml.exitCode(), yaml.err());
    assertEquals("[]", yaml.out().trim());
    CliRun text = sbx("secret", "ls", "-o", "text");
    assertEquals(0, text.exitCode(), text.err());
    assertTrue(text.out().startsWith("SCOPE   TYPE   NAME   SECRET   DETAIL"), text.out());
  }
}

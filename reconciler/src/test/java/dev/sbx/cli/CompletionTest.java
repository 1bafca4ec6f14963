package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sbx completion bash|zsh|fish} loaded into the real shells: bash completes through the
 * generated function (COMP_WORDS emulation, as bash does at TAB), zsh and fish check the syntax,
 * and fish completes with its own {@code complete -C}. zsh and fish come from
 * scripts/prepare-host.sh; without them the test is skipped locally and fails in CI.
 */
class CompletionTest {
  @TempDir Path tmp;

  private Path script(String shell) throws IOException {
    CliRun run = CliRun.of("completion", shell);
    assertEquals(0, run.exitCode(), run.err());
    Path file = tmp.resolve("sbx." + shell);
    Files.writeString(file, run.out());
    return file;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " hung");
    }
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    return out;
  }

  private static void requireShell(String shell) {
    boolean present = Files.isExecutable(Path.of("/usr/bin/" + shell)) || Files.isExecutable(Path.of("/bin/" + shell));
    if (!present && System.getenv("CI") != null) {
      fail(shell + " is missing: run scripts/prepare-host.sh");
    }
    Assumptions.assumeTrue(present, shell + " not installed (scripts/prepare-host.sh installs it)");
  }

  /** What bash offers at TAB after {@code line} (the last word being completed). */
  private String bashComplete(Path script, String line) throws Exception {
    String program = "source " + script + "\n"
        + "compopt() { :; }  # only valid inside real completion; the emulation has none\n"
        + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}\n"
        + "read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
        + "[[ \"$COMP_LINE\" == *' ' ]] && COMP_WORDS+=('')\n"
        + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        + "_complete_sbx sbx \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    return run("bash", "-c", program);
  }

  @Test
  void bashLoadsAndCompletesCommandsSubcommandsAndOptions() throws Exception {
    Path script = script("bash");
    assertTrue(run("bash", "-c", "source " + script + "; complete -p sbx").contains("_complete_sbx sbx"));
    assertEquals(List.of("kit"), bashComplete(script, "sbx ki").lines().map(String::trim).toList());
    assertTrue(bashComplete(script, "sbx kit re").lines().anyMatch(l -> l.trim().equals("render")));
    assertTrue(bashComplete(script, "sbx ").lines().anyMatch(l -> l.trim().equals("dashboard")),
        "every command is offered");
    assertTrue(bashComplete(script, "sbx kit render --ex").lines().anyMatch(l -> l.trim().equals("--explain")));
  }

  @Test
  void zshScriptIsValidZsh() throws Exception {
    requireShell("zsh");
    run("zsh", "-n", script("zsh").toString());
  }

  @Test
  void fishScriptIsValidAndCompletesAtEachLevel() throws Exception {
    requireShell("fish");
    Path script = script("fish");
    run("fish", "-n", script.toString());
    String top = run("fish", "-c", "source " + script + "; complete -C 'sbx ki'");
    assertTrue(top.startsWith("kit\t"), top);
    String kit = run("fish", "-c", "source " + script + "; complete -C 'sbx kit '");
    assertTrue(kit.lines().anyMatch(l -> l.startsWith("render\t")) && kit.lines().anyMatch(l -> l.startsWith("validate\t")),
        kit);
    assertTrue(kit.lines().noneMatch(l -> l.startsWith("apply\t")), "only kit's subcommands: " + kit);
    String output = run("fish", "-c", "source " + script + "; complete -C 'sbx ls -o '");
    assertEquals(List.of("json", "table", "yaml"), output.lines().map(l -> l.split("\t")[0]).sorted().toList());
    String explain = run("fish", "-c", "source " + script + "; complete -C 'sbx kit render --ex'");
    assertTrue(explain.startsWith("--explain"), explain);
    String inherited = run("fish", "-c", "source " + script + "; complete -C 'sbx kit render --deb'");
    assertTrue(inherited.startsWith("--debug"), "inherited root options: " + inherited);
  }
}

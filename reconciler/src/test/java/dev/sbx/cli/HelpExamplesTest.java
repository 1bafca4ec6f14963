package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} has a description and an Examples section with at least one
 * {@code sbx ...} line, and every such line parses with the real command tree (so examples cannot
 * drift from the options); the root help lists the exit codes.
 */
class HelpExamplesTest {

  /** Every command once (aliases share a CommandLine), with its qualified name. */
  private static Map<CommandLine, String> commands() {
    Map<CommandLine, String> all = new IdentityHashMap<>();
    walk(Sbx.newCommandLine(), all);
    return all;
  }

  private static void walk(CommandLine cl, Map<CommandLine, String> out) {
    if (out.put(cl, cl.getCommandSpec().qualifiedName()) == null) {
      cl.getSubcommands().values().forEach(sub -> walk(sub, out));
    }
  }

  /** The lines of the rendered Examples section. */
  static List<String> examples(CommandLine cl) {
    List<String> lines = cl.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();
    int start = lines.indexOf("Examples:");
    if (start < 0) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.isBlank()) {
        break;
      }
      out.add(line.trim());
    }
    return out;
  }

  /** Words of an example command line: up to a {@code #} comment or a redirection, double quotes grouping. */
  static List<String> words(String example) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : example.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if ((c == '#' || c == '>' || c == '<' || c == '|') && !quoted) {
        break; // a comment or the shell's redirection: not sbx's arguments
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          words.add(word.toString());
          word.setLength(0);
          any = false;
        }
      } else {
        word.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(word.toString());
    }
    return words;
  }

  @Test
  void everyCommandHasADescriptionAndExamplesThatParse() {
    Map<CommandLine, String> all = commands();
    assertTrue(all.size() >= 25, "the whole tree: " + all.values());
    List<String> problems = new ArrayList<>();
    CommandLine parser = Sbx.newCommandLine();
    for (Map.Entry<CommandLine, String> e : all.entrySet()) {
      String name = e.getValue();
      String[] description = e.getKey().getCommandSpec().usageMessage().description();
      if (description.length == 0 || String.join("", description).isBlank()) {
        problems.add(name + ": no description");
      }
      List<String> sbxLines = examples(e.getKey()).stream().map(l -> l.contains("| sbx ")
          ? l.substring(l.indexOf("| sbx ") + 2) : l).filter(l -> l.startsWith("sbx ") || l.equals("sbx")).toList();
      if (examples(e.getKey()).stream().noneMatch(l -> l.startsWith("sbx ") || l.startsWith("sbx  "))) {
        problems.add(name + ": no example line starting with 'sbx '");
      }
      for (String example : sbxLines) {
        List<String> words = words(example);
        try {
          parser.parseArgs(words.subList(1, words.size()).toArray(String[]::new));
        } catch (CommandLine.ParameterException ex) {
          problems.add(name + ": example does not parse: " + example + " (" + ex.getMessage() + ")");
        }
      }
    }
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
  }

  @Test
  void everyCommandAnswersHelpWithItsExamples() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<CommandLine, String> command : commands().entrySet()) {
      String name = command.getValue();
      List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
      args.add("--help");
      CliRun run = CliRun.of(args.toArray(String[]::new));
      if (run.exitCode() != 0 || !run.out().contains("\nExamples:\n")) {
        problems.add(name + " --help: exit " + run.exitCode() + ", no Examples section or an error: " + run.err());
        continue;
      }
      for (String example : command.getKey().getCommandSpec().usageMessage().footer()) {
        String line = String.format(example).stripTrailing();
        if (line.length() > 80 || run.out().lines().noneMatch(l -> l.stripTrailing().equals(line))) {
          problems.add(name + ": example wrapped or over 80 columns (shorten it): " + line);
        }
      }
    }
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
  }

  @Test
  void theRootHelpListsTheExitCodes() {
    CliRun help = CliRun.of("--help");
    assertEquals(0, help.exitCode());
    String out = help.out();
    int at = out.indexOf("Exit codes:");
    assertTrue(at > 0, out);
    String codes = out.substring(at);
    for (int code : new int[] {ExitCodes.OK, ExitCodes.DRIFT, ExitCodes.INVALID_INPUT, ExitCodes.PARTIAL_FAILURE,
        ExitCodes.LOCK_HELD, ExitCodes.ENVIRONMENT, ExitCodes.INTERNAL}) {
      assertTrue(codes.lines().anyMatch(l -> l.trim().startsWith(code + " ")), "exit code " + code + ":\n" + codes);
    }
  }

  @Test
  void sbxAloneWithoutATerminalPrintsTheUsage() {
    CliRun run = CliRun.of();
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("Usage: sbx"), run.out());
    assertTrue(run.out().contains("dashboard"), run.out());
    assertFalse(run.out().contains("\u001b["), "no escape sequences off a terminal");
  }

  @Test
  void theDashboardCommandRefusesWithoutATerminal() {
    CliRun run = CliRun.of("dashboard");
    assertEquals(2, run.exitCode());
    assertEquals("sbx: the dashboard needs a terminal; for scripts use: sbx ls -o json", run.err().trim());
  }

  @Test
  void exampleWordsSplitLikeAShell() {
    assertEquals(List.of("sbx", "kit", "validate", "git+https://x#ref=v1&dir=node"),
        words("sbx kit validate \"git+https://x#ref=v1&dir=node\"   # a comment"));
  }
}

package dev.sbx.docs;

import dev.sbx.cli.Sbx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes {@code docs/cli.md}, the CLI reference, from the commands themselves: it walks picocli's
 * {@link CommandSpec} tree of {@link Sbx#newCommandLine()} and prints each command's own usage
 * help (synopsis, description, parameters, options, footer with examples) with colours off and a
 * fixed width, so the page is byte-for-byte reproducible. {@link CliReferenceTest} fails when the
 * committed page differs; {@code scripts/gen-cli-docs.sh} rewrites it.
 *
 * <p>Run as a program (test classpath): {@code CliReference [OUTPUT]} writes OUTPUT (default
 * {@code docs/cli.md} under the repository root).
 */
public final class CliReference {
  /** Fixed so the page does not depend on the terminal of whoever regenerates it. */
  static final int WIDTH = 100;
  static final String REGENERATE = "scripts/gen-cli-docs.sh";

  private CliReference() {}

  public static void main(String[] args) throws IOException {
    Path out = args.length > 0 ? Path.of(args[0]) : RepoRoot.find().resolve("docs/cli.md");
    Files.writeString(out, render(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out);
  }

  /** The whole page. */
  static String render() {
    CommandLine root = Sbx.newCommandLine();
    root.setUsageHelpWidth(WIDTH);
    root.setUsageHelpAutoWidth(false);
    List<CommandLine> commands = new ArrayList<>();
    collect(root, commands);

    StringBuilder md = new StringBuilder();
    md.append("# CLI reference\n\n")
        .append("<!-- Generated from the picocli command tree by ").append(REGENERATE)
        .append(" (dev.sbx.docs.CliReference). Do not edit by hand: a test fails when this page is stale. -->\n\n")
        .append("Every command also prints this text with `--help`. `--debug` (or `SBX_DEBUG=1`) adds stack\n")
        .append("traces to errors. Exit codes are listed at the end of the page.\n\n");
    for (CommandLine c : commands) {
      String path = qualifiedName(c);
      md.append("- [`").append(path).append("`](#").append(anchor(path)).append(")\n");
    }
    for (CommandLine c : commands) {
      String path = qualifiedName(c);
      md.append("\n## ").append(path).append("\n\n");
      String description = String.join(" ", c.getCommandSpec().usageMessage().description()).strip();
      if (!description.isEmpty()) {
        md.append(firstSentence(description)).append("\n\n");
      }
      md.append("```text\n").append(stripTrailingSpaces(c.getUsageMessage(Help.Ansi.OFF))).append("```\n");
    }
    md.append("\n## Exit codes\n\n")
        .append("| code | meaning |\n|---|---|\n")
        .append("| 0 | success; in sync or applied |\n")
        .append("| 1 | drift or changes found (`sbx diff --exit-code`) |\n")
        .append("| 2 | invalid input (the message names file:line and what to do); nothing was applied |\n")
        .append("| 3 | partial apply failure (reported per sandbox) |\n")
        .append("| 4 | lock held by another sbx (the message names the holder) |\n")
        .append("| 5 | environment problem (no hypervisor, missing tool, unusable key store) |\n")
        .append("| 70 | internal error (a bug in sbx; `--debug` shows the stack trace) |\n");
    return md.toString();
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    if (c.getCommandSpec().usageMessage().hidden() || c.getCommand() instanceof CommandLine.HelpCommand) {
      return;
    }
    out.add(c);
    for (CommandLine sub : c.getSubcommands().values().stream().distinct().toList()) {
      collect(sub, out);
    }
  }

  static String qualifiedName(CommandLine c) {
    return c.getCommandSpec().qualifiedName(" ");
  }

  /** GitHub's heading anchors: lower case, spaces to hyphens, punctuation dropped. */
  static String anchor(String heading) {
    return heading.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }

  private static String firstSentence(String text) {
    int dot = text.indexOf(". ");
    return dot < 0 ? text : text.substring(0, dot + 1);
  }

  private static String stripTrailingSpaces(String text) {
    StringBuilder sb = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      sb.append(line.stripTrailing()).append('\n');
    }
    String s = sb.toString();
    while (s.endsWith("\n\n")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }
}

package dev.sbx.cli.output;

import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How one command run should print: whether stdout is a terminal and the resulting {@link Style}.
 * The colour choice comes from the inherited {@code --color} option ({@link ColorOption}) and the
 * environment ({@code NO_COLOR}, {@code TERM=dumb}).
 */
public record Output(boolean terminal, Style style) {

  public static Output of(CommandSpec spec) {
    return of(spec, Terminals.stdoutIsTerminal(), System.getenv());
  }

  static Output of(CommandSpec spec, boolean terminal, Map<String, String> env) {
    return new Output(terminal, Style.of(colorMode(spec).enabled(terminal, env)));
  }

  /** The {@code --color} value in effect for this command (auto when the tree has no such option). */
  public static ColorMode colorMode(CommandSpec spec) {
    for (CommandSpec s = spec; s != null; s = s.parent()) {
      OptionSpec option = s.findOption("--color");
      if (option != null && option.getValue() instanceof ColorMode mode) {
        return mode;
      }
    }
    return ColorMode.AUTO;
  }
}

package dev.sbx.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx completion bash|zsh|fish}: prints a completion script for the whole command tree.
 * bash and zsh share picocli's generated script (it loads {@code bashcompinit} under zsh); fish
 * gets its own, generated from the same {@link CommandSpec} ({@link FishCompletion}).
 */
@Command(mixinStandardHelpOptions = true, name = "completion", description = "Print a shell completion script (bash, zsh or fish).",
    footerHeading = "%nExamples:%n",
    footer = {"  sbx completion bash > /etc/bash_completion.d/sbx     # bash, for every user",
        "  source <(sbx completion zsh)                          # zsh, in ~/.zshrc",
        "  sbx completion fish > ~/.config/fish/completions/sbx.fish"})
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh, fish }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish")
  Shell shell;

  @Override
  public Integer call() {
    var root = spec.root().commandLine();
    String script = switch (shell) {
      case bash, zsh -> AutoComplete.bash("sbx", root);
      case fish -> FishCompletion.script(spec.root());
    };
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}

package dev.sbx.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sbx diff -f DIR [--exit-code] [-o json]}: what apply would change, drift included. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx diff -f gitops                        # what apply would change",
        "  sbx diff -f gitops --exit-code            # CI: exit 1 when anything differs",
        "  sbx diff -f gitops -o json",
        "  sbx diff -f gitops --exit-code --host https://sbx.example.com:7443"},
    name = "diff", mixinStandardHelpOptions = true,
    description = {"Show what 'sbx apply -f DIR' would change, including drift made by hand.",
        "Exit codes: 0 in sync, 1 changes or drift (with --exit-code), 2 invalid input, 4 lock held, 5 environment."})
public final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ReconcileCli cli;

  @Option(names = "--exit-code", description = "Exit 1 when anything differs (for CI).")
  boolean exitCode;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json.")
  String output = "text";

  @Override
  public Integer call() {
    var outcome = cli.call("/v1/plan", cli.request("json".equals(output), exitCode, false));
    return ReconcileCli.print(outcome, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}

package dev.sbx.cli;

import dev.sbx.reconciler.daemon.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx apply -f DIR [--prune] [--dry-run] [-o json]} or {@code sbx apply PLAN.json}. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx apply -f examples/quickstart          # converge with the directory",
        "  sbx apply -f gitops --prune --dry-run     # show what a pruning apply would do",
        "  sbx apply plan.json                       # exactly a saved plan"},
    name = "apply", mixinStandardHelpOptions = true,
    description = {"Make the world match a directory (-f DIR), or apply exactly a saved plan (PLAN).",
        "Exit codes: 0 applied, 2 invalid input or stale plan, 3 partial failure, 4 lock held, 5 environment."})
public final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ReconcileCli cli;

  @Parameters(arity = "0..1", paramLabel = "PLAN", description = "A plan saved by 'sbx plan -o FILE'.")
  Path plan;

  @Option(names = "--dry-run", description = "Only show the plan.")
  boolean dryRun;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json.")
  String output = "text";

  @Override
  public Integer call() {
    Outcome o;
    if (plan != null) {
      if (cli.dir != null) {
        throw new CliFailure("give either -f DIR or a saved PLAN, not both", ExitCodes.INVALID_INPUT);
      }
      String text;
      try {
        text = Files.readString(plan);
      } catch (IOException e) {
        throw new CliFailure("cannot read the plan " + plan + ": " + e.getMessage(), ExitCodes.INVALID_INPUT);
      }
      String body = tools.jackson.databind.json.JsonMapper.shared().createObjectNode().put("plan", text)
          .put("kitAllows", cli.kitAllows).toString();
      o = cli.post("/v1/apply-plan", body);
    } else {
      o = cli.call("/v1/apply", cli.request("json".equals(output), false, dryRun));
    }
    return ReconcileCli.print(o, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}

package dev.sbx.cli;

import dev.sbx.reconciler.daemon.Outcome;
import dev.sbx.reconciler.plan.PlanJson;
import dev.sbx.reconciler.plan.PlanRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sbx plan -f DIR [-o json|FILE]}: the plan; saved to FILE for {@code sbx apply FILE}. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx plan -f gitops                        # human-readable plan",
        "  sbx plan -f gitops -o plan.json           # save it; then: sbx apply plan.json",
        "  sbx plan -f gitops -o json"},
    name = "plan", mixinStandardHelpOptions = true,
    description = {"Compute the plan for a directory: '-o json' prints the stable JSON form,",
        "'-o FILE' saves it for 'sbx apply FILE' (which applies exactly it, or refuses a stale one)."})
public final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ReconcileCli cli;

  @Option(names = {"-o", "--output"}, paramLabel = "json|FILE", description = "json, or a file to save the plan in.")
  String output;

  @Override
  public Integer call() {
    boolean toFile = output != null && !output.equals("json") && !output.equals("text");
    Outcome o = cli.call("/v1/plan", cli.request(toFile || "json".equals(output), false, false));
    if (!toFile || o.exitCode() != 0) {
      return ReconcileCli.print(o, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
    try {
      Files.writeString(Path.of(output), o.stdout());
    } catch (IOException e) {
      throw new CliFailure("cannot write " + output + ": " + e.getMessage(), ExitCodes.ENVIRONMENT);
    }
    var out = spec.commandLine().getOut();
    out.print(PlanRenderer.render(PlanJson.read(o.stdout())));
    out.println("\nSaved the plan to " + output + ". Apply exactly it with: sbx apply " + output);
    return ReconcileCli.print(new Outcome(0, "", o.stderr()), out, spec.commandLine().getErr());
  }
}

package dev.sbx.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx source suspend NAME}: no fetch, no apply, no drift correction until resumed (kept across restarts). */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source suspend fleet"},
    name = "suspend", mixinStandardHelpOptions = true,
    description = "Suspend a source: new revisions are not applied and drift is not corrected until resumed.")
public final class SourceSuspendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    GitOpsCli.connect(locations).call("POST", "/v1/sources/" + name + "/suspend", "");
    spec.commandLine().getOut().println("source " + name + " suspended");
    return ExitCodes.OK;
  }
}

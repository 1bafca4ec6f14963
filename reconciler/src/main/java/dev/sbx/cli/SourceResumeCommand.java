package dev.sbx.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx source resume NAME}: reconciled again at once. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source resume fleet"},
    name = "resume", mixinStandardHelpOptions = true,
    description = "Resume a suspended source; it is reconciled at once.")
public final class SourceResumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    GitOpsCli.connect(locations).call("POST", "/v1/sources/" + name + "/resume", "");
    spec.commandLine().getOut().println("source " + name + " resumed");
    return ExitCodes.OK;
  }
}

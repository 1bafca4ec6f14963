package dev.sbx.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx suspend SANDBOX...}: the GitOps controller leaves these sandboxes as they are (neither
 * updated, replaced, drift-corrected nor pruned) until {@code sbx resume}; kept across daemon
 * restarts. Sources are suspended with {@code sbx source suspend NAME}.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx suspend dev"},
    name = "suspend", mixinStandardHelpOptions = true,
    description = {"Suspend GitOps reconciliation of sandboxes (no update, no drift correction, no prune)",
        "until sbx resume. Suspend a whole source with sbx source suspend NAME."})
public final class SandboxSuspendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Parameters(arity = "1..*", paramLabel = "SANDBOX")
  List<String> names;

  @Override
  public Integer call() {
    GitOpsCli cli = GitOpsCli.connect(locations);
    for (String name : names) {
      cli.call("POST", "/v1/sandboxes/" + name + "/suspend", "");
      spec.commandLine().getOut().println(name + " suspended");
    }
    return ExitCodes.OK;
  }
}

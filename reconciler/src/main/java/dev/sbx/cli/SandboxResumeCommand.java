package dev.sbx.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx resume SANDBOX...}: undoes {@code sbx suspend}; the sandboxes are reconciled at once.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx resume dev"},
    name = "resume", mixinStandardHelpOptions = true,
    description = "Resume GitOps reconciliation of suspended sandboxes; they are reconciled at once.")
public final class SandboxResumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Parameters(arity = "1..*", paramLabel = "SANDBOX")
  List<String> names;

  @Override
  public Integer call() {
    GitOpsCli cli = GitOpsCli.connect(locations);
    for (String name : names) {
      cli.call("POST", "/v1/sandboxes/" + name + "/resume", "");
      spec.commandLine().getOut().println(name + " resumed");
    }
    return ExitCodes.OK;
  }
}

package dev.sbx.cli;

import dev.sbx.cli.output.OutputFormatOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code sbx policy set-default SANDBOX allow-all|balanced|deny-all}. */
@Command(name = "set-default", mixinStandardHelpOptions = true, footerHeading = "%nExamples:%n",
    footer = {"  sbx policy set-default dev deny-all", "  sbx policy set-default dev balanced"},
    description = "Set a sandbox's default: allow-all, balanced (built-in list of AI, code and package hosts) or"
        + " deny-all (allow and deny are accepted for allow-all and deny-all). Its own rules stay.")
final class PolicySetDefaultCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SANDBOX")
  String sandbox;

  @Parameters(index = "1", paramLabel = "MODE", description = "allow-all | balanced | deny-all")
  String mode;

  @Mixin OutputFormatOption output;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() {
    String body = JsonMapper.shared().createObjectNode().put("sandbox", sandbox).put("mode", mode).toString();
    PolicyLsCommand.printChange(spec, PolicyLsCommand.daemonFor(locations, remote, sandbox).call("POST", "/v1/policy/default", body),
        output);
    return 0;
  }
}

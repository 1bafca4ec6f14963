package dev.sbx.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code sbx policy set-default SANDBOX allow-all|balanced|deny-all}. */
@Command(name = "set-default", mixinStandardHelpOptions = true,
    description = "Set a sandbox's default: allow-all, balanced (built-in list of AI, code and package hosts) or"
        + " deny-all (allow and deny are accepted for allow-all and deny-all). Its own rules stay.")
final class PolicySetDefaultCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SANDBOX")
  String sandbox;

  @Parameters(index = "1", paramLabel = "MODE", description = "allow-all | balanced | deny-all")
  String mode;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table (a summary line) or json/yaml")
  String output;

  @Mixin SbxLocations locations;

  @Override
  public Integer call() {
    Output.Format format = Output.parse(output);
    String body = JsonMapper.shared().createObjectNode().put("sandbox", sandbox).put("mode", mode).toString();
    PolicyLsCommand.printChange(spec, PolicyLsCommand.daemonFor(locations, sandbox).call("POST", "/v1/policy/default", body),
        format);
    return 0;
  }
}

package dev.sbx.cli;

import dev.sbx.vm.api.SandboxException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx stop SANDBOX...}: graceful stop; disk and workspace stay. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx stop api-dev",
        "  sbx stop api-dev web"},
    name = "stop", mixinStandardHelpOptions = true, description = "Stop sandboxes; their disks stay for the next start.")
final class SandboxStopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "SANDBOX")
  List<String> names;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() {
    var daemon = DaemonSandboxes.running(locations, remote);
    if (daemon.isPresent()) {
      for (String name : names) {
        daemon.get().call("POST", "/v1/sandboxes/" + name + "/stop", "");
        spec.commandLine().getOut().println(name + " stopped");
      }
      return 0;
    }
    try (var runtime = SandboxRuntimes.open()) {
      for (String name : names) {
        runtime.stop(name);
        spec.commandLine().getOut().println(name + " stopped");
      }
      return 0;
    } catch (SandboxException e) {
      return SandboxRuntimes.fail(spec, e);
    }
  }
}

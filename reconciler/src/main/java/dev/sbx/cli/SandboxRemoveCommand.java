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

/** {@code sbx rm SANDBOX...}: stops and removes everything the sandbox had (not the workspace). */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx rm api-dev",
        "  sbx rm api-dev web"},
    name = "rm", mixinStandardHelpOptions = true, description = "Remove sandboxes: VM, disk, sockets and logs (the workspace stays).")
final class SandboxRemoveCommand implements Callable<Integer> {
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
        daemon.get().call("DELETE", "/v1/sandboxes/" + name, "");
        spec.commandLine().getOut().println(name + " removed");
      }
      return 0;
    }
    try (var runtime = SandboxRuntimes.open()) {
      for (String name : names) {
        if (runtime.inspect(name).isEmpty()) {
          throw SandboxException.notFound(name);
        }
        runtime.destroy(name);
        spec.commandLine().getOut().println(name + " removed");
      }
      return 0;
    } catch (SandboxException e) {
      return SandboxRuntimes.fail(spec, e);
    }
  }
}

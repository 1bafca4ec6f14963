package dev.sbx.cli;

import dev.sbx.vm.api.SandboxException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx logs SANDBOX}: the guest console of the current or last boot. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx logs api-dev                          # the console log",
        "  sbx logs api-dev --startup                # kit install and startup output"},
    name = "logs", mixinStandardHelpOptions = true, description = "Show a sandbox's console log (or, with --startup, its kit startup output).")
final class SandboxLogsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SANDBOX")
  String name;

  @Option(names = "--startup", description = "show the output of kit install and startup commands")
  boolean startup;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() {
    var daemon = DaemonSandboxes.running(locations, remote);
    if (daemon.isPresent()) {
      String path = "/v1/sandboxes/" + name + "/logs" + (startup ? "?startup=true" : "");
      spec.commandLine().getOut().print(daemon.get().call("GET", path, "").get("log").asString());
      spec.commandLine().getOut().flush();
      return 0;
    }
    try (var runtime = SandboxRuntimes.open()) {
      spec.commandLine().getOut().print(startup ? runtime.startupLog(name) : runtime.consoleLog(name));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (SandboxException e) {
      return SandboxRuntimes.fail(spec, e);
    }
  }
}

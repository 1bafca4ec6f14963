package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.daemon.DaemonException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sbx daemon [--state-dir D] [--foreground] [--memory] [--stop]}. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx daemon                                # start one in the background",
        "  sbx daemon --foreground                   # run it in this terminal",
        "  sbx daemon --stop                         # stop it; running VMs keep running"},
    name = "daemon", mixinStandardHelpOptions = true,
    description = {"Run the sbx daemon: the egress proxy, the VM runtime and the reconciler behind",
        "the local API on STATE/daemon.sock. Without --foreground it starts one in the background",
        "(if none runs) and returns; other commands start it on demand anyway."})
public final class DaemonCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SbxLocations locations;

  @Option(names = "--foreground", description = "Run in this process until stopped.")
  boolean foreground;

  @Option(names = "--memory", description = "In-memory actuators instead of the proxy and QEMU (tests, benchmarks).")
  boolean memory;

  @Option(names = "--stop", description = "Stop the running daemon (sandboxes keep running).")
  boolean stop;

  @Override
  public Integer call() throws Exception {
    Path dir = locations.daemonStateDir();
    var out = spec.commandLine().getOut();
    if (stop) {
      ApiClient client = new ApiClient(Daemon.socket(dir));
      if (!client.reachable()) {
        out.println("no sbx daemon runs on " + dir);
        return ExitCodes.OK;
      }
      client.call("POST", "/v1/shutdown", "{}");
      out.println("sbx daemon stopped");
      return ExitCodes.OK;
    }
    if (!foreground) {
      ApiClient client = DaemonLauncher.connect(dir, memory);
      out.println("sbx daemon running: " + client.call("GET", "/v1/version", "").body() + " on " + client.socket());
      return ExitCodes.OK;
    }
    Daemon daemon;
    try {
      daemon = Daemon.start(dir, memory ? Daemon.Mode.MEMORY : Daemon.Mode.REAL, System.out);
    } catch (DaemonException e) {
      throw new CliFailure(e.getMessage(), e.exitCode());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "sbx-daemon-exit"));
    daemon.awaitStop();
    return ExitCodes.OK;
  }
}

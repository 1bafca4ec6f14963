package dev.sbx.cli;

import dev.sbx.cli.dashboard.Dashboard;
import dev.sbx.cli.output.Output;
import dev.sbx.cli.output.Terminals;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sbx dashboard} (also plain {@code sbx} on a terminal): sandboxes and live network
 * decisions of the daemon of the state directory, full screen, until q. Reads the daemon's local
 * API only; without a daemon it says how to start one and never starts VMs itself.
 */
@Command(mixinStandardHelpOptions = true, name = "dashboard", aliases = "top",
    description = "Full-screen view of the sandboxes and the live network decisions (q quits).",
    footerHeading = "%nExamples:%n",
    footer = {"  sbx                                 # the same, on a terminal",
        "  sbx dashboard --state-dir /tmp/sbx  # the daemon of another state directory"})
final class DashboardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Override
  public Integer call() throws Exception {
    if (!Terminals.stdinIsTerminal() || !Terminals.stdoutIsTerminal()) {
      throw new CliFailure("the dashboard needs a terminal; for scripts use: sbx ls -o json",
          ExitCodes.INVALID_INPUT);
    }
    boolean color = Output.colorMode(spec).enabled(true, System.getenv());
    return Dashboard.run(locations.daemonStateDir(), color);
  }
}

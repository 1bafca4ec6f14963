package dev.sbx.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code sbx} command. The root lists subcommands (each its own class); alone it opens the
 * dashboard on a terminal and prints the usage elsewhere. Its help ends with the exit codes.
 */
@Command(
    name = "sbx",
    mixinStandardHelpOptions = true,
    versionProvider = SbxVersion.class,
    description = {"Declarative, GitOps-style reconciler for AI-agent sandboxes.",
        "Without a command, on a terminal: the dashboard (sbx dashboard)."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  sbx apply -f examples/quickstart      # converge what runs with a directory",
        "  sbx diff -f gitops --exit-code        # CI: exit 1 when what runs differs",
        "  sbx ls -o json                        # the sandboxes, for scripts",
        "  sbx exec dev -- id -u                 # run a command in a sandbox",
        "  sbx                                   # the dashboard",
        "",
        "Exit codes:",
        "  0   success; in sync or applied",
        "  1   drift found (sbx diff --exit-code)",
        "  2   invalid input (the message names file:line and a fix); nothing applied",
        "  3   partial apply failure (reported per sandbox)",
        "  4   lock held by another sbx (the message names the holder)",
        "  5   environment problem (no hypervisor, missing tool, unusable key store)",
        "  70  internal error (a bug in sbx; --debug shows the stack trace)",
    },
    subcommands = {
        CommandLine.HelpCommand.class,
        KitCommand.class,
        SandboxCreateCommand.class,
        SandboxRunCommand.class,
        SandboxExecCommand.class,
        SandboxListCommand.class,
        SandboxStopCommand.class,
        SandboxRemoveCommand.class,
        SandboxLogsCommand.class,
        PortsCommand.class,
        SecretCommand.class,
        PolicyCommand.class,
        EgressCommand.class,
        RenderCommand.class,
        ApplyCommand.class,
        DiffCommand.class,
        PlanCommand.class,
        DaemonCommand.class,
        ImageCommand.class,
        DoctorCommand.class,
        DashboardCommand.class,
        CompletionCommand.class,
        SourceCommand.class,
        StatusCommand.class,
        EventsCommand.class,
        SandboxSuspendCommand.class,
        SandboxResumeCommand.class,
    })
public final class Sbx implements java.util.concurrent.Callable<Integer> {

  @picocli.CommandLine.Mixin dev.sbx.cli.output.ColorOption color;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print stack traces for errors (also SBX_DEBUG=1).")
  boolean debug;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** {@code sbx} alone: the dashboard on a terminal, the usage anywhere else (pipes, scripts, CI). */
  @Override
  public Integer call() throws Exception {
    if (dev.sbx.cli.output.Terminals.stdinIsTerminal() && dev.sbx.cli.output.Terminals.stdoutIsTerminal()) {
      return dev.sbx.cli.dashboard.Dashboard.run(new SbxLocations().daemonStateDir(),
          dev.sbx.cli.output.Output.colorMode(spec).enabled(true, System.getenv()));
    }
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The fully configured command line; tests use this to run commands in-process. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Sbx()).setExecutionExceptionHandler(new ErrorHandler());
    helpExamples(cli);
    standardHelpEverywhere(cli);
    return cli;
  }

  /**
   * Every command answers {@code --help} (and {@code --version}), whether or not its class remembered
   * {@code mixinStandardHelpOptions}: set once here for the whole tree.
   */
  private static void standardHelpEverywhere(CommandLine command) {
    if (!command.getCommandSpec().mixinStandardHelpOptions() && !(command.getCommand() instanceof CommandLine.HelpCommand)) {
      command.getCommandSpec().mixinStandardHelpOptions(true);
    }
    command.getSubcommands().values().forEach(Sbx::standardHelpEverywhere);
  }

  /** picocli's own {@code help} commands cannot carry our annotations: their examples are set here. */
  private static void helpExamples(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
        String parent = cli.getCommandSpec().qualifiedName();
        sub.getCommandSpec().usageMessage().footerHeading("%nExamples:%n")
            .footer("  " + parent + " help                     # the commands of " + parent);
      } else {
        helpExamples(sub);
      }
    }
  }
}

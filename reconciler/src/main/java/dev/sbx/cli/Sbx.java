package dev.sbx.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code sbx} command. The root only lists subcommands; each subcommand is its own class.
 */
@Command(
    name = "sbx",
    mixinStandardHelpOptions = true,
    versionProvider = SbxVersion.class,
    description = "Declarative, GitOps-style reconciler for AI-agent sandboxes.",
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
        SecretCommand.class,
        EgressCommand.class,
        RenderCommand.class,
        ApplyCommand.class,
        DiffCommand.class,
        PlanCommand.class,
        DaemonCommand.class,
        SourceCommand.class,
        StatusCommand.class,
        EventsCommand.class,
        SandboxSuspendCommand.class,
        SandboxResumeCommand.class,
    })
public final class Sbx {

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print stack traces for errors (also SBX_DEBUG=1).")
  boolean debug;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The fully configured command line; tests use this to run commands in-process. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new Sbx()).setExecutionExceptionHandler(new ErrorHandler());
  }
}

package dev.sbx.cli;

import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecProcess;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.GuestUser;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.api.SandboxState;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx run AGENT [PATH]}: creates the sandbox if needed, starts it if stopped, then attaches
 * to the agent's entrypoint (for {@code shell}: a login shell) on a pseudo-terminal when sbx runs
 * in one. The exit code is the entrypoint's.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx run shell ~/src/api                   # create if needed, start, attach",
        "  sbx run shell . --name scratch --cpus 2 -m 2g",
        "  echo 'make test' | sbx run shell .        # piped input, streamed output",
        "  sbx run shell . -d                        # create/start only"},
    name = "run", mixinStandardHelpOptions = true, description = "Create the sandbox if needed, start it, and attach to its agent (a shell).")
final class SandboxRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "AGENT", description = "the agent; built in: shell")
  String agent;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "workspace (default: .)")
  Path path;

  @Option(names = "--name", description = "sandbox name (default: AGENT-DIRNAME)")
  String name;

  @Option(names = "--cpus", defaultValue = "1")
  int cpus;

  @Option(names = {"-m", "--memory"}, defaultValue = "1g", paramLabel = "SIZE")
  String memory;

  @Option(names = "--image", paramLabel = "REF", description = "boot this stored image as the root (at create)")
  String image;

  @Option(names = "--kit", paramLabel = "K", description = "kits to stack on the agent when creating")
  List<String> kits = List.of();

  @Option(names = {"-d", "--detach"}, description = "create/start only; do not attach")
  boolean detach;

  @Mixin SbxLocations locations;

  @Override
  public Integer call() throws Exception {
    Path workspace = (path == null ? Path.of("") : path).toAbsolutePath().normalize();
    String sandbox = name != null ? name : SandboxCreateCommand.defaultName(agent, workspace);
    Optional<DaemonSandboxes> daemon = SandboxCreateCommand.daemon(locations, spec.commandLine().getErr());
    if (daemon.isPresent()) {
      return throughDaemon(daemon.get(), sandbox, workspace);
    }
    try (SandboxRuntime runtime = SandboxRuntimes.open()) {
      var existing = runtime.inspect(sandbox);
      if (existing.isEmpty()) {
        SandboxCreateCommand direct = new SandboxCreateCommand();
        direct.direct = true; // no daemon could be had: do not try to start one again
        var create = new CommandLine(direct);
        create.setOut(spec.commandLine().getOut());
        create.setErr(spec.commandLine().getErr());
        var args = new java.util.ArrayList<>(List.of(agent, workspace.toString(), "--name", sandbox, "--cpus", "" + cpus,
            "-m", memory));
        if (image != null) {
          args.addAll(List.of("--image", image));
        }
        int code = create.execute(args.toArray(String[]::new));
        if (code != 0) {
          return code;
        }
      } else if (existing.get().state() != SandboxState.RUNNING) {
        runtime.start(sandbox);
      }
      return attach(runtime, sandbox, workspace);
    } catch (SandboxException e) {
      return SandboxRuntimes.fail(spec, e);
    }
  }

  /**
   * Through the daemon: create if missing (with its egress endpoint), start if stopped, then attach
   * the agent's shell through the daemon's interactive exec stream (a terminal when sbx runs in one;
   * piped input otherwise, so {@code echo 'cmd' | sbx run shell .} works too).
   */
  private int throughDaemon(DaemonSandboxes daemon, String sandbox, Path workspace) throws IOException {
    JsonNode existing = null;
    for (JsonNode s : daemon.call("GET", "/v1/sandboxes?view=detail", "")) {
      if (s.get("name").asString().equals(sandbox)) {
        existing = s;
      }
    }
    if (existing == null) {
      SandboxCreateCommand create = new SandboxCreateCommand();
      create.agent = agent;
      create.kits = kits;
      create.cpus = cpus;
      create.memory = memory;
      create.image = image;
      int code = create.createThroughDaemon(daemon, sandbox, workspace, spec);
      if (code != 0) {
        return code;
      }
    } else if (!"running".equals(existing.get("status").asString())) {
      daemon.call("POST", "/v1/sandboxes/" + sandbox + "/start", "{}");
    }
    if (detach) {
      return 0;
    }
    String cwd = existing != null && existing.hasNonNull("workspace") ? existing.get("workspace").asString()
        : workspace.toString();
    return AttachedExec.attachAgent(daemon, sandbox, List.of("/bin/sh", "-l"), cwd, spec.commandLine().getErr());
  }

  private int attach(SandboxRuntime runtime, String sandbox, Path workspace) throws Exception {
    // A daemon holds the VM's agent channel: attach through its interactive exec stream.
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(new SbxLocations());
    if (daemon.isPresent()) {
      return AttachedExec.attachAgent(daemon.get(), sandbox, List.of("/bin/sh", "-l"), workspace.toString(),
          spec.commandLine().getErr());
    }
    Optional<LocalTerminal.Size> size = LocalTerminal.interactive() ? LocalTerminal.size() : Optional.empty();
    var request = new ExecRequest(List.of("/bin/sh", "-l"), Map.of(), workspace.toString(), GuestUser.AGENT.uid(),
        GuestUser.AGENT.gid(), true);
    if (size.isPresent()) {
      request = request.withTerminal(size.get().rows(), size.get().cols());
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    ExecProcess process = runtime.exec(sandbox, request, new ExecOutput() {
      @Override
      public void stdout(byte[] bytes) {
        out.write(bytes, 0, bytes.length);
        out.flush();
      }

      @Override
      public void stderr(byte[] bytes) {
        err.write(bytes, 0, bytes.length);
        err.flush();
      }
    });
    try (LocalTerminal raw = size.isPresent() ? LocalTerminal.raw() : null) {
      Thread pump = new Thread(() -> pumpStdin(System.in, process), "sbx-run-stdin");
      pump.setDaemon(true);
      pump.start();
      Optional<ExitStatus> status = Optional.empty();
      while (status.isEmpty()) {
        status = process.waitFor(Duration.ofHours(1));
      }
      return status.get().code();
    }
  }

  static void pumpStdin(InputStream in, ExecProcess process) {
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        process.writeStdin(Arrays.copyOf(buf, n));
      }
      process.closeStdin();
    } catch (IOException e) {
      // the process ended or the connection went away; waitFor reports it
    }
  }
}

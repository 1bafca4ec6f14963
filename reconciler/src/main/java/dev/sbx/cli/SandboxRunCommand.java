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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
        "  sbx run shell ~/src/api                   # create if needed, start, attach a shell",
        "  sbx run shell . --name scratch --cpus 2 -m 2g"},
    name = "run", description = "Create the sandbox if needed, start it, and attach to its agent (a shell).")
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

  @Override
  public Integer call() throws Exception {
    Path workspace = (path == null ? Path.of("") : path).toAbsolutePath().normalize();
    String sandbox = name != null ? name : SandboxCreateCommand.defaultName(agent, workspace);
    try (SandboxRuntime runtime = SandboxRuntimes.open()) {
      var existing = runtime.inspect(sandbox);
      if (existing.isEmpty()) {
        var create = new CommandLine(new SandboxCreateCommand());
        create.setOut(spec.commandLine().getOut());
        create.setErr(spec.commandLine().getErr());
        int code = create.execute(agent, workspace.toString(), "--name", sandbox, "--cpus", "" + cpus, "-m", memory);
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

  private int attach(SandboxRuntime runtime, String sandbox, Path workspace) throws Exception {
    // A daemon holds the VM's agent channel: attach through its interactive exec stream.
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(new SbxLocations());
    if (daemon.isPresent()) {
      return AttachedExec.attachAgent(daemon.get(), sandbox, List.of("/bin/sh", "-l"), workspace.toString(),
          spec.commandLine().getErr());
    }
    Optional<int[]> size = TerminalMode.size();
    var request = new ExecRequest(List.of("/bin/sh", "-l"), Map.of(), workspace.toString(), GuestUser.AGENT.uid(),
        GuestUser.AGENT.gid(), true);
    if (size.isPresent()) {
      request = request.withTerminal(size.get()[0], size.get()[1]);
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
    try (var raw = size.isPresent() ? TerminalMode.raw() : TerminalMode.NONE) {
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

  /** The controlling terminal through {@code stty}: size, and raw mode restored on close. */
  static final class TerminalMode implements AutoCloseable {
    static final TerminalMode NONE = new TerminalMode(null);
    private final String saved;

    private TerminalMode(String saved) {
      this.saved = saved;
    }

    static Optional<int[]> size() {
      if (System.console() == null || !Files.exists(Path.of("/dev/tty"))) {
        return Optional.empty();
      }
      try {
        String[] parts = stty("size").strip().split("\\s+");
        return Optional.of(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }

    static TerminalMode raw() throws IOException {
      String saved = stty("-g").strip();
      stty("raw", "-echo");
      return new TerminalMode(saved);
    }

    private static String stty(String... args) throws IOException {
      var argv = new java.util.ArrayList<>(List.of("stty"));
      argv.addAll(List.of(args));
      Process p = new ProcessBuilder(argv).redirectInput(new java.io.File("/dev/tty")).start();
      try {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
          throw new IOException("stty " + String.join(" ", args) + " failed");
        }
        return out;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }

    @Override
    public void close() {
      if (saved != null) {
        try {
          stty(saved);
        } catch (IOException ignored) {
          // the user can run `reset`
        }
      }
    }
  }
}

package dev.sbx.cli;

import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.GuestUser;
import dev.sbx.vm.api.SandboxException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Base64;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sbx exec [-i] [-t] [-u USER] [-e K=V] [-w DIR] SANDBOX -- CMD...}: runs a command in a
 * sandbox, docker-exec style; its exit code is ours (128+N when a signal N killed it). Through the
 * daemon when one runs for the state directory (streamed: {@link AttachedExec}), else on the
 * runtime directly.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx exec api-dev -- id -u",
        "  sbx exec -it api-dev -- bash                 # an interactive shell",
        "  sbx exec -u root api-dev -- apt-get install -y jq",
        "  sbx exec -e RUST_LOG=debug -w /tmp api-dev -- env",
        "  echo hi | sbx exec -i api-dev -- cat"},
    name = "exec", mixinStandardHelpOptions = true, description = "Run a command in a running sandbox; its exit code is passed through.")
final class SandboxExecCommand implements Callable<Integer> {
  private static final int MAX_STDIN = 8 * 1024 * 1024;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SANDBOX")
  String sandbox;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "command and arguments (after --)")
  List<String> command;

  @Option(names = {"-i", "--interactive"}, description = "pass standard input to the command (streamed)")
  boolean interactive;

  @Option(names = {"-t", "--tty"}, description = "run the command on a pseudo-terminal; with a local terminal,"
      + " put it in raw mode and pass its size (use with -i for a shell)")
  boolean tty;

  @Option(names = {"-u", "--user"}, paramLabel = "USER", defaultValue = "agent",
      description = "agent (default, uid 1000) or root (uid 0)")
  String user;

  @Option(names = {"-e", "--env"}, paramLabel = "K=V", description = "set an environment variable (K alone: its"
      + " value here); repeatable")
  List<String> envs = new ArrayList<>();

  @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "working directory in the sandbox"
      + " (default: its workspace, else the user's home)")
  String workdir;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() throws Exception {
    boolean root = root();
    Map<String, String> env = env();
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(locations, remote);
    if (daemon.isPresent()) {
      var options = new AttachedExec.Options(command, env, workdir, root ? "root" : "agent", interactive, tty);
      Optional<Integer> streamed = AttachedExec.run(daemon.get(), sandbox, options, spec.commandLine().getErr());
      if (streamed.isPresent()) {
        return streamed.get();
      }
      if (tty) {
        throw new CliFailure("this sbx daemon has no interactive exec (-t); restart it with this sbx version"
            + " (sbx daemon --stop)", ExitCodes.ENVIRONMENT);
      }
      return throughDaemon(daemon.get(), root);
    }
    try (var runtime = SandboxRuntimes.open()) {
      var info = runtime.inspect(sandbox).orElseThrow(() -> SandboxException.notFound(sandbox));
      String cwd = workdir != null ? workdir : info.workspace() != null ? info.workspace().toString() : null;
      ExecRequest request = new ExecRequest(command, env, cwd, root ? 0 : GuestUser.AGENT.uid(),
          root ? 0 : GuestUser.AGENT.gid(), interactive);
      if (tty) {
        var size = LocalTerminal.size().orElse(new LocalTerminal.Size(80, 24));
        request = request.withTerminal(size.rows(), size.cols());
      }
      PrintStream out = System.out;
      PrintStream err = System.err;
      Optional<ExitStatus> status = Optional.empty();
      var process = runtime.exec(sandbox, request, new ExecOutput() {
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
      boolean localTty = tty && LocalTerminal.interactive();
      try (LocalTerminal raw = localTty ? LocalTerminal.raw() : null) {
        if (localTty) {
          LocalTerminal.onResize(() -> LocalTerminal.size().ifPresent(s -> {
            try {
              process.resize(s.rows(), s.cols());
            } catch (IOException ignored) {
              // the command is ending
            }
          }));
        }
        if (interactive) {
          Thread pump = new Thread(() -> SandboxRunCommand.pumpStdin(System.in, process), "sbx-exec-stdin");
          pump.setDaemon(true);
          pump.start();
        }
        while (status.isEmpty()) {
          status = process.waitFor(Duration.ofHours(1));
        }
      }
      status.get().startError().ifPresent(e -> spec.commandLine().getErr().println("sbx: " + e));
      return status.get().code();
    } catch (SandboxException e) {
      return SandboxRuntimes.fail(spec, e);
    }
  }

  /**
   * The fallback for a daemon without the stream endpoint. Buffered through the daemon (it holds the VM's agent channel): with -i, standard input is read
   * to its end first and sent whole, so an interactive session (a shell waiting for keystrokes)
   * cannot work this way; output arrives when the command has finished.
   */
  private int throughDaemon(DaemonSandboxes daemon, boolean root) throws IOException {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    command.forEach(body.putArray("argv")::add);
    ObjectNode envJson = body.putObject("env");
    env().forEach(envJson::put);
    if (workdir != null) {
      body.put("cwd", workdir);
    }
    body.put("user", root ? "root" : "agent");
    if (interactive) {
      byte[] in = System.in.readNBytes(MAX_STDIN + 1);
      if (in.length > MAX_STDIN) {
        throw new CliFailure("sbx exec -i through the daemon buffers standard input and takes at most "
            + MAX_STDIN / (1024 * 1024) + " MiB; pipe larger data through a workspace file", ExitCodes.INVALID_INPUT);
      }
      body.put("stdin", Base64.getEncoder().encodeToString(in));
    }
    JsonNode reply = daemon.call("POST", "/v1/sandboxes/" + sandbox + "/exec", body.toString());
    byte[] stdout = Base64.getDecoder().decode(reply.get("stdout").asString());
    byte[] stderr = Base64.getDecoder().decode(reply.get("stderr").asString());
    System.out.write(stdout, 0, stdout.length);
    System.out.flush();
    System.err.write(stderr, 0, stderr.length);
    System.err.flush();
    if (reply.has("startError")) {
      spec.commandLine().getErr().println("sbx: " + reply.get("startError").asString());
    }
    if (reply.has("truncated") && reply.get("truncated").asBoolean()) {
      spec.commandLine().getErr().println("sbx: output truncated (the daemon keeps at most 16 MiB per stream)");
    }
    return reply.get("exitCode").asInt();
  }

  private boolean root() {
    return switch (user) {
      case "root", "0" -> true;
      case "agent", "1000" -> false;
      default -> throw new CliFailure("sbx exec -u takes agent or root, not '" + user + "'", ExitCodes.INVALID_INPUT);
    };
  }

  /** {@code -e K=V} in order (later wins); {@code -e K} takes K's value from this environment, as docker does. */
  private Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String e : envs) {
      int eq = e.indexOf('=');
      String key = eq < 0 ? e : e.substring(0, eq);
      if (key.isEmpty() || !key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new CliFailure("sbx exec -e takes K=V with K a variable name, not '" + e + "'", ExitCodes.INVALID_INPUT);
      }
      if (eq >= 0) {
        env.put(key, e.substring(eq + 1));
      } else if (System.getenv(key) != null) {
        env.put(key, System.getenv(key));
      }
    }
    return env;
  }
}

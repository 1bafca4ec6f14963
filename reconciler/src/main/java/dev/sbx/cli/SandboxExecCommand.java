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
 * {@code sbx exec SANDBOX -- CMD...}: runs a command as the sandbox user; its exit code is ours.
 * Through the daemon when one runs for the state directory (buffered), else on the runtime directly.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx exec api-dev -- id -u",
        "  sbx exec -u api-dev -- apt-get install -y jq   # as root",
        "  echo hi | sbx exec -i api-dev -- cat"},
    name = "exec", mixinStandardHelpOptions = true, description = "Run a command in a running sandbox; its exit code is passed through.")
final class SandboxExecCommand implements Callable<Integer> {
  private static final int MAX_STDIN = 8 * 1024 * 1024;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SANDBOX")
  String sandbox;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "command and arguments (after --)")
  List<String> command;

  @Option(names = {"-i", "--interactive"}, description = "pass standard input to the command")
  boolean interactive;

  @Option(names = {"-u", "--user"}, description = "run as root instead of the sandbox user")
  boolean root;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() throws Exception {
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(locations, remote);
    if (daemon.isPresent()) {
      return throughDaemon(daemon.get());
    }
    try (var runtime = SandboxRuntimes.open()) {
      var info = runtime.inspect(sandbox).orElseThrow(() -> SandboxException.notFound(sandbox));
      String cwd = info.workspace() != null ? info.workspace().toString() : null;
      var request = new ExecRequest(command, Map.of(), cwd, root ? 0 : GuestUser.AGENT.uid(),
          root ? 0 : GuestUser.AGENT.gid(), interactive);
      PrintStream out = System.out;
      PrintStream err = System.err;
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
      if (interactive) {
        byte[] buf = new byte[65536];
        int n;
        while ((n = System.in.read(buf)) > 0) {
          process.writeStdin(java.util.Arrays.copyOf(buf, n));
        }
        process.closeStdin();
      }
      Optional<ExitStatus> status = Optional.empty();
      while (status.isEmpty()) {
        status = process.waitFor(Duration.ofHours(1));
      }
      status.get().startError().ifPresent(e -> spec.commandLine().getErr().println("sbx: " + e));
      return status.get().code();
    } catch (SandboxException e) {
      return SandboxRuntimes.fail(spec, e);
    }
  }

  /**
   * Buffered through the daemon (it holds the VM's agent channel): with -i, standard input is read
   * to its end first and sent whole, so an interactive session (a shell waiting for keystrokes)
   * cannot work this way; output arrives when the command has finished.
   */
  private int throughDaemon(DaemonSandboxes daemon) throws IOException {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    command.forEach(body.putArray("argv")::add);
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
}

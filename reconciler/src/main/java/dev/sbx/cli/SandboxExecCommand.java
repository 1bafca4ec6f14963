package dev.sbx.cli;

import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.GuestUser;
import dev.sbx.vm.api.SandboxException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx exec SANDBOX -- CMD...}: runs a command as the sandbox user; its exit code is ours. */
@Command(name = "exec", description = "Run a command in a running sandbox; its exit code is passed through.")
final class SandboxExecCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SANDBOX")
  String sandbox;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "command and arguments (after --)")
  List<String> command;

  @Option(names = {"-i", "--interactive"}, description = "pass standard input to the command")
  boolean interactive;

  @Option(names = {"-u", "--user"}, description = "run as root instead of the sandbox user")
  boolean root;

  @Override
  public Integer call() throws Exception {
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
}

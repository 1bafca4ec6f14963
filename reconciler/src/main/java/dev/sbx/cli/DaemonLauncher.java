package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the daemon of a state directory and starts it on demand: detached ({@code setsid}, stdin
 * from /dev/null, output appended to {@code STATE/daemon.log}), then waits for its socket to
 * answer, with a deadline.
 */
final class DaemonLauncher {
  private static final long START_TIMEOUT_MS = 60_000;

  private DaemonLauncher() {}

  /** A client for a running daemon, starting one if none answers. */
  static ApiClient connect(Path stateDir) {
    return connect(stateDir, false);
  }

  /** Like {@link #connect(Path)}; a daemon started here uses in-memory actuators when {@code memory}. */
  static ApiClient connect(Path stateDir, boolean memory) {
    return connect(stateDir, memory, List.of());
  }

  /** Like {@link #connect(Path, boolean)}; {@code extraArgs} go to a daemon started here (e.g. --listen). */
  static ApiClient connect(Path stateDir, boolean memory, List<String> extraArgs) {
    ApiClient client = new ApiClient(Daemon.socket(stateDir));
    if (client.reachable()) {
      return client;
    }
    Path log = stateDir.resolve("daemon.log");
    Process process;
    try {
      Files.createDirectories(stateDir);
      List<String> cmd = new ArrayList<>();
      if (new File("/usr/bin/setsid").canExecute()) {
        cmd.add("/usr/bin/setsid");
      }
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(Sbx.class.getName());
      cmd.addAll(List.of("daemon", "--foreground", "--state-dir", stateDir.toString()));
      if (memory) {
        cmd.add("--memory");
      }
      cmd.addAll(extraArgs);
      process = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new CliFailure("cannot start the sbx daemon: " + e.getMessage(), ExitCodes.ENVIRONMENT);
    }
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (client.reachable()) {
        return client;
      }
      if (!process.isAlive()) {
        int code = process.exitValue();
        throw new CliFailure("the sbx daemon did not start (exit " + code + "); see " + log + ":\n" + tail(log),
            code == ExitCodes.LOCK_HELD ? ExitCodes.LOCK_HELD : ExitCodes.ENVIRONMENT);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new CliFailure("the sbx daemon did not answer on " + client.where() + " within 60 s; see " + log,
        ExitCodes.ENVIRONMENT);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }
}

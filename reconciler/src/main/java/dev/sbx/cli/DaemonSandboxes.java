package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.SandboxException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code sbx ls/exec/logs/stop/rm} while a daemon runs for the state directory: the daemon holds each VM's
 * only guest-agent channel, so these verbs go through its {@code /v1/sandboxes} routes. Never
 * starts a daemon: without one the verbs drive the runtime directly ({@link SandboxRuntimes}).
 */
final class DaemonSandboxes {
  private final ApiClient client;
  private final Path stateDir;

  private DaemonSandboxes(ApiClient client, Path stateDir) {
    this.client = client;
    this.stateDir = stateDir;
  }

  /**
   * The remote daemon of {@code --host}/{@code SBX_HOST} (whether it answers or not: a remote verb
   * never falls back to this machine), else {@link #running(SbxLocations)}.
   */
  static Optional<DaemonSandboxes> running(SbxLocations locations, RemoteOptions remoteOptions) {
    Optional<ApiClient> remote = remoteOptions.client();
    if (remote.isPresent()) {
      return Optional.of(new DaemonSandboxes(remote.get(), null));
    }
    return running(locations);
  }

  /** The running daemon of the state directory ({@code --state-dir}, {@code SBX_STATE_DIR}, XDG), if any. */
  static Optional<DaemonSandboxes> running(SbxLocations locations) {
    Path stateDir = locations.daemonStateDir();
    ApiClient client = new ApiClient(Daemon.socket(stateDir));
    return client.reachable() ? Optional.of(new DaemonSandboxes(client, stateDir)) : Optional.empty();
  }

  /** The daemon of the state directory, started on demand ({@code sbx create/run}, {@code sbx policy} changes). */
  static DaemonSandboxes connect(SbxLocations locations) {
    Path stateDir = locations.daemonStateDir();
    return new DaemonSandboxes(DaemonLauncher.connect(stateDir), stateDir);
  }

  /** The 200 answer's body; a runtime error becomes a {@link CliFailure} with the CLI's exit code. */
  JsonNode call(String method, String path, String body) {
    ApiClient.Reply reply;
    try {
      reply = client.call(method, path, body);
    } catch (IOException e) {
      throw ReconcileCli.unreachable(client, stateDir, e);
    }
    if (reply.status() == 200) {
      return reply.body();
    }
    throw failure(reply);
  }

  /**
   * {@code POST path} upgraded to {@code protocol} (the interactive exec); a refusal comes back in
   * {@link ApiClient.Upgraded#refused()}, an unreachable daemon is a {@link CliFailure}.
   */
  ApiClient.Upgraded upgrade(String path, String body, String protocol) {
    try {
      return client.upgrade(path, body, protocol);
    } catch (IOException e) {
      throw ReconcileCli.unreachable(client, stateDir, e);
    }
  }

  /** An error answer as the CLI's failure: its message and the exit code of its runtime error kind. */
  static CliFailure failure(ApiClient.Reply reply) {
    JsonNode b = reply.body();
    String message = b != null && b.has("error") ? b.get("error").asString() : "daemon answered " + reply.status();
    int code = 1;
    if (b != null && b.has("kind")) {
      try {
        code = SandboxRuntimes.exitCode(SandboxException.Kind.valueOf(b.get("kind").asString()));
      } catch (IllegalArgumentException ignored) {
        // a kind this CLI does not know: generic failure
      }
    }
    return new CliFailure(message, code);
  }
}

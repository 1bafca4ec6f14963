package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.daemon.DaemonException;
import dev.sbx.reconciler.daemon.RemoteListen;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sbx daemon [--state-dir D] [--foreground] [--memory] [--stop] [--listen ...] [--watch DIR] [--git URL]}. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx daemon                                # start one in the background",
        "  sbx daemon --foreground                   # run it in this terminal",
        "  sbx daemon --stop                         # stop it; running VMs keep running",
        "  sbx daemon --listen 7443       # plus the remote API on 127.0.0.1:7443 (TLS)",
        "  sbx daemon --listen 0.0.0.0:7443 --tls-san sbx.example.com",
        "  sbx daemon --watch ~/gitops    # and follow a directory (source 'watch')"},
    name = "daemon", mixinStandardHelpOptions = true,
    description = {"Run the sbx daemon: the egress proxy, the VM runtime and the reconciler behind",
        "the local API on STATE/daemon.sock. Without --foreground it starts one in the background",
        "(if none runs) and returns; other commands start it on demand anyway.",
        "--listen [HOST:]PORT also serves the same API on TCP with TLS and bearer tokens",
        "(sbx daemon token create NAME), for 'sbx diff --host https://HOST:PORT' from CI."},
    subcommands = {
        DaemonTokenCommand.class,
    })
public final class DaemonCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SbxLocations locations;

  @Option(names = "--foreground", description = "Run in this process until stopped.")
  boolean foreground;

  @Option(names = "--memory", description = "In-memory actuators instead of the proxy and QEMU (tests, benchmarks).")
  boolean memory;

  @Option(names = "--stop", description = "Stop the running daemon (sandboxes keep running).")
  boolean stop;

  @Option(names = "--watch", paramLabel = "DIR",
      description = "Shorthand for sbx source add dir watch --path DIR (kept in STATE/sources.json).")
  Path watch;

  @Option(names = "--git", paramLabel = "URL",
      description = "Shorthand for sbx source add git git --url URL (branch main, poll every minute).")
  String git;

  @Option(names = "--listen", paramLabel = "[HOST:]PORT",
      description = "Also serve the API on TCP with TLS and bearer tokens (off by default; HOST defaults to 127.0.0.1).")
  String listen;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "PEM certificate chain for --listen (default: one generated in STATE/api-tls/).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--tls-san", paramLabel = "NAME", split = ",",
      description = "Extra host names/IPs for the generated certificate (the names clients put in --host).")
  List<String> tlsSans = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path dir = locations.daemonStateDir();
    var out = spec.commandLine().getOut();
    if (stop) {
      ApiClient client = new ApiClient(Daemon.socket(dir));
      if (!client.reachable()) {
        out.println("no sbx daemon runs on " + dir);
        return ExitCodes.OK;
      }
      client.call("POST", "/v1/shutdown", "{}");
      out.println("sbx daemon stopped");
      return ExitCodes.OK;
    }
    Optional<RemoteListen> remote = remoteListen();
    if (!foreground) {
      ApiClient client = DaemonLauncher.connect(dir, memory, launchArgs());
      addShorthandSources(client);
      var version = client.call("GET", "/v1/version", "").body();
      out.println("sbx daemon running: " + version + " on " + client.where());
      if (remote.isPresent() && !version.has("remote")) {
        spec.commandLine().getErr().println("warning: the running daemon has no remote API; restart it with"
            + " 'sbx daemon --stop' then 'sbx daemon --listen " + listen + "'");
      }
      return ExitCodes.OK;
    }
    Daemon daemon;
    try {
      daemon = Daemon.start(dir, memory ? Daemon.Mode.MEMORY : Daemon.Mode.REAL, System.out, null, remote);
    } catch (DaemonException e) {
      throw new CliFailure(e.getMessage(), e.exitCode());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "sbx-daemon-exit"));
    try {
      addShorthandSources(new ApiClient(Daemon.socket(dir)));
    } catch (CliFailure e) {
      daemon.close();
      throw e;
    }
    daemon.awaitStop();
    return ExitCodes.OK;
  }

  /** {@code --watch DIR} and {@code --git URL}: sources named {@code watch} and {@code git}. */
  private void addShorthandSources(ApiClient client) throws java.io.IOException {
    var json = tools.jackson.databind.json.JsonMapper.shared();
    if (watch != null) {
      post(client, json.createObjectNode().put("name", "watch").put("kind", "dir")
          .put("path", watch.toAbsolutePath().normalize().toString()).toString());
    }
    if (git != null) {
      post(client, json.createObjectNode().put("name", "git").put("kind", "git").put("url", git).toString());
    }
  }

  private static void post(ApiClient client, String body) throws java.io.IOException {
    ApiClient.Reply r = client.call("POST", "/v1/sources", body);
    if (r.status() != 200) {
      throw new CliFailure(r.body().path("error").asString("the daemon answered " + r.status()), ExitCodes.INVALID_INPUT);
    }
  }

  private Optional<RemoteListen> remoteListen() {
    if (listen == null) {
      if (tlsCert != null || tlsKey != null || !tlsSans.isEmpty()) {
        throw new CliFailure("--tls-cert, --tls-key and --tls-san need --listen [HOST:]PORT", ExitCodes.INVALID_INPUT);
      }
      return Optional.empty();
    }
    try {
      return Optional.of(new RemoteListen(RemoteListen.parseAddress(listen), Optional.ofNullable(tlsCert),
          Optional.ofNullable(tlsKey), tlsSans));
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), ExitCodes.INVALID_INPUT);
    }
  }

  /** The remote-API options, handed on to a daemon started in the background. */
  private List<String> launchArgs() {
    List<String> args = new ArrayList<>();
    if (listen != null) {
      args.addAll(List.of("--listen", listen));
    }
    if (tlsCert != null) {
      args.addAll(List.of("--tls-cert", tlsCert.toAbsolutePath().toString(), "--tls-key", tlsKey.toAbsolutePath().toString()));
    }
    if (!tlsSans.isEmpty()) {
      args.addAll(List.of("--tls-san", String.join(",", tlsSans)));
    }
    return args;
  }
}

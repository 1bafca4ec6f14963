package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.daemon.Outcome;
import dev.sbx.reconciler.daemon.ReconcileRequest;
import dev.sbx.reconciler.daemon.ReconcileService;
import dev.sbx.reconciler.actuator.memory.InMemoryWorld;
import dev.sbx.secrets.ServiceCatalog;
import dev.sbx.secrets.api.ServiceDefinition;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.sbx.reconciler.compile.CompiledState;
import dev.sbx.reconciler.compile.DesiredCompiler;
import dev.sbx.reconciler.daemon.DesiredWire;
import dev.sbx.reconciler.merge.KitAllows;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code plan}, {@code diff} and {@code apply} share: the options that name the input and the
 * state, and the call itself: to the daemon of the state directory (started on demand), or, with
 * {@code SBX_ACTUATORS=memory}, in this process against an empty in-memory world (benchmarks of
 * the load/merge/compile/diff pipeline as a whole process).
 */
final class ReconcileCli {
  @Option(names = {"-f", "--filename"}, paramLabel = "DIR",
      description = "GitOps directory (or one file) with Sandbox and NetworkPolicy manifests.")
  Path dir;

  @Option(names = "--prune", description = "Delete sandboxes this source created that are no longer declared.")
  boolean prune;

  @Option(names = "--allow-empty-source", description = "Allow pruning everything when the source has no sandboxes.")
  boolean allowEmptySource;

  @Option(names = "--kit-allows", paramLabel = "MODE", defaultValue = "allow",
      description = "How policies treat kit allows: allow (default), intersect, ignore.")
  String kitAllows;

  @Option(names = "--source", paramLabel = "ID",
      description = "With --host: the daemon source this checkout stands for (e.g. dir:/srv/gitops);"
          + " by default the one that manages its sandboxes.")
  String source;

  @Mixin SbxLocations locations;

  @Mixin RemoteOptions remote;

  Path stateDir() {
    return locations.daemonStateDir();
  }

  ReconcileRequest request(boolean json, boolean exitCode, boolean dryRun) {
    if (dir == null) {
      throw new CliFailure("-f DIR is required (the directory with your manifests)", ExitCodes.INVALID_INPUT);
    }
    return new ReconcileRequest(dir.toAbsolutePath().normalize().toString(), prune, allowEmptySource, json,
        exitCode, dryRun, kitAllows);
  }

  /**
   * Runs {@code /v1/plan} or {@code /v1/apply}. With {@code --host} the directory is loaded and
   * compiled here (bad input: exit 2, nothing sent) and the compiled state goes to the remote daemon.
   */
  Outcome call(String endpoint, ReconcileRequest request) {
    Optional<ApiClient> remote = this.remote.client();
    if (remote.isPresent()) {
      CompiledState compiled = new DesiredCompiler(ReconcileCli::serviceDomains)
          .compileDirectory(Path.of(request.dir()), kitAllows(request.kitAllows()));
      StringBuilder warnings = new StringBuilder();
      compiled.warnings().forEach(w -> warnings.append("warning: ").append(w).append('\n'));
      boolean apply = endpoint.equals("/v1/apply") && !request.dryRun();
      DesiredWire wire = new DesiredWire(compiled.desired(), apply ? compiled.payloads() : Map.of(),
          Optional.ofNullable(source));
      Outcome o = post(remote.get(), null, endpoint, wire.toJson(request));
      return new Outcome(o.exitCode(), o.stdout(), warnings + o.stderr());
    }
    if (source != null) {
      throw new CliFailure("--source only applies with --host (a remote daemon)", ExitCodes.INVALID_INPUT);
    }
    if ("memory".equals(System.getenv("SBX_ACTUATORS"))) {
      ReconcileService local = new ReconcileService(new InMemoryWorld().actuators(),
          stateDir().resolve("reconciler"), ReconcileCli::serviceDomains);
      return endpoint.equals("/v1/plan") ? local.plan(request) : local.apply(request);
    }
    return post(stateDir(), endpoint, Daemon.requestJson(request));
  }

  /** Posts to the remote daemon of {@code --host}, or to the local one (started on demand). */
  Outcome post(String endpoint, String body) {
    Optional<ApiClient> remote = this.remote.client();
    return remote.isPresent() ? post(remote.get(), null, endpoint, body) : post(stateDir(), endpoint, body);
  }

  static Outcome post(Path stateDir, String endpoint, String body) {
    return post(DaemonLauncher.connect(stateDir), stateDir, endpoint, body);
  }

  private static Outcome post(ApiClient client, Path stateDir, String endpoint, String body) {
    try {
      return client.outcome(endpoint, body);
    } catch (IOException e) {
      throw unreachable(client, stateDir, e);
    }
  }

  /** One line for a daemon that did not answer (exit 5): a remote one's reason, or the local log to read. */
  static CliFailure unreachable(ApiClient client, Path stateDir, IOException e) {
    if (client.isRemote()) {
      return new CliFailure(e instanceof ApiClient.RemoteException ? e.getMessage()
          : "the sbx daemon at " + client.where() + " failed: " + e.getMessage(), ExitCodes.ENVIRONMENT);
    }
    return new CliFailure("the sbx daemon failed to answer on " + client.where() + ": " + e.getMessage()
        + (stateDir == null ? "" : "; see " + stateDir.resolve("daemon.log")), ExitCodes.ENVIRONMENT);
  }

  private static KitAllows kitAllows(String text) {
    try {
      return KitAllows.valueOf(text.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--kit-allows " + text + " is not one of allow, intersect, ignore", ExitCodes.INVALID_INPUT);
    }
  }

  static List<String> serviceDomains(String service) {
    return ServiceCatalog.builtIn().find(service).map(ServiceDefinition::domains).orElse(List.of());
  }

  /** Prints an outcome: stdout as is, stderr (progress, warnings, errors) to stderr. */
  static int print(Outcome o, PrintWriter out, PrintWriter err) {
    out.print(o.stdout());
    out.flush();
    err.print(o.stderr());
    err.flush();
    return o.exitCode();
  }

  static Map<String, String> env() {
    return System.getenv();
  }
}

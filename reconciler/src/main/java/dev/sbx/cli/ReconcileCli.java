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

  @Mixin SbxLocations locations;

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

  /** Runs {@code /v1/plan} or {@code /v1/apply}. */
  Outcome call(String endpoint, ReconcileRequest request) {
    if ("memory".equals(System.getenv("SBX_ACTUATORS"))) {
      ReconcileService local = new ReconcileService(new InMemoryWorld().actuators(),
          stateDir().resolve("reconciler"), ReconcileCli::serviceDomains);
      return endpoint.equals("/v1/plan") ? local.plan(request) : local.apply(request);
    }
    return post(stateDir(), endpoint, Daemon.requestJson(request));
  }

  static Outcome post(Path stateDir, String endpoint, String body) {
    ApiClient client = DaemonLauncher.connect(stateDir);
    try {
      return client.outcome(endpoint, body);
    } catch (IOException e) {
      throw new CliFailure("the sbx daemon failed to answer on " + client.socket() + ": " + e.getMessage()
          + "; see " + stateDir.resolve("daemon.log"), ExitCodes.ENVIRONMENT);
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

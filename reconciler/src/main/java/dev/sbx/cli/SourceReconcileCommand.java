package dev.sbx.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code sbx source reconcile NAME [--no-wait] [--timeout 2m]}: fetch and apply now, skipping any
 * backoff (like {@code flux reconcile source git NAME --with-source}); waits for that pass and exits
 * 0 when the source is Ready, 3 when the pass failed (its reason and message are printed).
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source reconcile fleet",
        "  sbx source reconcile fleet --no-wait"},
    name = "reconcile", mixinStandardHelpOptions = true,
    description = {"Fetch and apply a source now (skipping any backoff) and wait for the result:",
        "exit 0 when Ready, 3 when the pass failed."})
public final class SourceReconcileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(names = "--no-wait", description = "Return once the fetch is queued.")
  boolean noWait;

  @Option(names = "--timeout", defaultValue = "5m", paramLabel = "DURATION",
      description = "How long to wait for the pass (default ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() throws InterruptedException {
    GitOpsCli cli = GitOpsCli.connect(locations);
    JsonNode r = cli.call("POST", "/v1/sources/" + name + "/reconcile", "");
    var out = spec.commandLine().getOut();
    if (noWait) {
      out.println("source " + name + ": reconcile requested");
      return ExitCodes.OK;
    }
    Instant requested = Instant.parse(r.get("requestedAt").asString());
    long deadline = System.nanoTime() + dev.sbx.reconciler.gitops.SourceConfig.parseInterval(timeout).toNanos();
    while (true) {
      JsonNode source = find(cli.call("GET", "/v1/status", ""));
      // a pass that started after the request (one already running may have fetched before the push)
      String handled = GitOpsCli.text(source, "lastHandledStartedAt");
      if (!handled.isEmpty() && !Instant.parse(handled).isBefore(requested)) {
        JsonNode ready = StatusCommand.condition(source, "Ready");
        boolean ok = ready != null && GitOpsCli.text(ready, "status").equals("True");
        String line = "source " + name + ": " + (ready == null ? "no Ready condition"
            : "Ready=" + GitOpsCli.text(ready, "status") + " " + GitOpsCli.text(ready, "reason") + ": "
                + GitOpsCli.text(ready, "message"));
        (ok ? out : spec.commandLine().getErr()).println(line);
        return ok ? ExitCodes.OK : ExitCodes.PARTIAL_FAILURE;
      }
      if (System.nanoTime() > deadline) {
        throw new CliFailure("source " + name + " was not reconciled within " + timeout
            + " (sbx status shows where it is)", ExitCodes.ENVIRONMENT);
      }
      Thread.sleep(Duration.ofMillis(50).toMillis());
    }
  }

  private JsonNode find(JsonNode status) {
    for (JsonNode s : status.get("sources")) {
      if (GitOpsCli.text(s, "name").equals(name)) {
        return s;
      }
    }
    throw new CliFailure("no source " + name, ExitCodes.INVALID_INPUT);
  }
}

package dev.sbx.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code sbx status [-o json|yaml]}: each source (revisions fetched, applied and attempted, its
 * Ready/Reconciling/Stalled conditions, suspended) and each sandbox a source owns (state, VM
 * state, in sync or drifted with what). The JSON is {@code GET /v1/status}.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx status",
        "  sbx status -o json"},
    name = "status", mixinStandardHelpOptions = true,
    description = "GitOps status: sources with their conditions and revisions; sandboxes with sync state and drift.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "json|yaml",
      description = "Output format: text (default), json, yaml.")
  GitOpsCli.Format format;

  @Override
  public Integer call() {
    JsonNode status = GitOpsCli.connect(locations).call("GET", "/v1/status", "");
    var out = spec.commandLine().getOut();
    if (format != GitOpsCli.Format.text) {
      GitOpsCli.print(status, format, out);
      return ExitCodes.OK;
    }
    JsonNode sources = status.get("sources");
    if (sources.isEmpty()) {
      out.println("no sources (sbx source add git|dir ...)");
    } else {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"SOURCE", "READY", "REASON", "APPLIED", "ATTEMPTED", "FETCHED", "SUSPENDED"});
      for (JsonNode s : sources) {
        JsonNode ready = condition(s, "Ready");
        rows.add(new String[] {GitOpsCli.text(s, "name"), ready == null ? "Unknown" : GitOpsCli.text(ready, "status"),
            ready == null ? "" : GitOpsCli.text(ready, "reason"),
            GitOpsCli.shortRevision(GitOpsCli.text(s, "lastAppliedRevision")),
            GitOpsCli.shortRevision(GitOpsCli.text(s, "lastAttemptedRevision")),
            GitOpsCli.shortRevision(GitOpsCli.text(s, "fetchedRevision")), String.valueOf(s.get("suspended").asBoolean())});
      }
      out.print(GitOpsCli.table(rows));
      for (JsonNode s : sources) {
        for (JsonNode c : s.get("conditions")) {
          if (!GitOpsCli.text(c, "type").equals("Ready") || !GitOpsCli.text(c, "status").equals("True")) {
            out.println("  " + GitOpsCli.text(s, "name") + ": " + GitOpsCli.text(c, "type") + "="
                + GitOpsCli.text(c, "status") + " " + GitOpsCli.text(c, "reason") + ": " + GitOpsCli.text(c, "message"));
          }
        }
      }
    }
    JsonNode sandboxes = status.get("sandboxes");
    if (!sandboxes.isEmpty()) {
      out.println();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"SANDBOX", "SOURCE", "STATE", "VM", "SYNC", "DRIFT"});
      for (JsonNode b : sandboxes) {
        List<String> changes = new ArrayList<>();
        b.get("changes").forEach(c -> changes.add(c.asString()));
        String drift = b.get("drift").asBoolean() ? "drifted: " + String.join("; ", changes)
            : changes.isEmpty() ? "-" : "pending: " + String.join("; ", changes);
        rows.add(new String[] {GitOpsCli.text(b, "name"), GitOpsCli.text(b, "sourceName"), GitOpsCli.text(b, "state")
            + (b.get("suspended").asBoolean() ? " (suspended)" : ""), GitOpsCli.text(b, "vmState"),
            GitOpsCli.text(b, "sync"), drift});
      }
      out.print(GitOpsCli.table(rows));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The condition of {@code type} in a source's JSON, or null. */
  static JsonNode condition(JsonNode source, String type) {
    for (JsonNode c : source.path("conditions")) {
      if (GitOpsCli.text(c, "type").equals(type)) {
        return c;
      }
    }
    return null;
  }
}

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

/** {@code sbx source ls [-o json|yaml]}: the sources with their readiness and revisions. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source ls",
        "  sbx source ls -o yaml"},
    name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List the sources.")
public final class SourceListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "json|yaml",
      description = "Output format: text (default), json, yaml: the sources of GET /v1/status.")
  GitOpsCli.Format format;

  @Override
  public Integer call() {
    JsonNode status = GitOpsCli.connect(locations).call("GET", "/v1/status", "");
    JsonNode sources = status.get("sources");
    var out = spec.commandLine().getOut();
    if (format != GitOpsCli.Format.text) {
      GitOpsCli.print(sources, format, out);
      return ExitCodes.OK;
    }
    if (sources.isEmpty()) {
      out.println("no sources (add one: sbx source add git NAME --url URL, sbx source add dir NAME --path DIR)");
      return ExitCodes.OK;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "KIND", "URL/PATH", "REF", "READY", "REVISION", "SUSPENDED", "MESSAGE"});
    for (JsonNode s : sources) {
      JsonNode ready = StatusCommand.condition(s, "Ready");
      rows.add(new String[] {GitOpsCli.text(s, "name"), GitOpsCli.text(s, "kind"),
          s.has("url") ? GitOpsCli.text(s, "url") + (GitOpsCli.text(s, "path").isEmpty() ? "" : "//" + GitOpsCli.text(s, "path"))
              : GitOpsCli.text(s, "path"),
          s.has("ref") ? GitOpsCli.text(s, "ref") : "-", ready == null ? "Unknown" : GitOpsCli.text(ready, "status"),
          GitOpsCli.shortRevision(GitOpsCli.text(s, "lastAppliedRevision")), String.valueOf(s.get("suspended").asBoolean()),
          ready == null ? "" : GitOpsCli.text(ready, "message")});
    }
    out.print(GitOpsCli.table(rows));
    out.flush();
    return ExitCodes.OK;
  }
}

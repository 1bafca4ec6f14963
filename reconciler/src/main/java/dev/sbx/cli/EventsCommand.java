package dev.sbx.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code sbx events [--since 10m|RFC3339] [--no-follow] [-o json]}: the controller's events as they
 * happen (the daemon keeps the newest 1,000 for {@code --since}). {@code -o json} prints the JSON
 * lines of {@code GET /v1/events} unchanged.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx events",
        "  sbx events --since 10m --no-follow",
        "  sbx events -o json"},
    name = "events", mixinStandardHelpOptions = true,
    description = {"Stream the GitOps controller's events (fetches, reconciles, failures, conditions, suspends).",
        "Runs until interrupted unless --no-follow."})
public final class EventsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Also print the kept events since WHEN: a duration back (10m, 1h) or an RFC 3339 time.")
  String since;

  @Option(names = "--no-follow", description = "Print the kept events (with --since; default the last hour) and exit.")
  boolean noFollow;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "json",
      description = "Output format: text (default) or json (one JSON object per line).")
  GitOpsCli.Format format;

  @Override
  public Integer call() {
    GitOpsCli cli = GitOpsCli.connect(locations);
    StringBuilder path = new StringBuilder("/v1/events?follow=").append(!noFollow);
    String from = since != null ? since : noFollow ? "1h" : null;
    if (from != null) {
      path.append("&since=").append(URLEncoder.encode(from, StandardCharsets.UTF_8));
    }
    var out = spec.commandLine().getOut();
    try {
      int status = cli.client().stream(path.toString(), line -> {
        if (line.isBlank()) {
          return true; // heartbeat
        }
        out.println(format == GitOpsCli.Format.json ? line : render(JSON.readTree(line)));
        out.flush();
        return !out.checkError();
      });
      if (status != 200) {
        throw new CliFailure("the daemon answered " + status + " to " + path, ExitCodes.INVALID_INPUT);
      }
    } catch (IOException e) {
      throw cli.unreachable(e);
    }
    return ExitCodes.OK;
  }

  /** {@code TIME  SOURCE  TYPE  details}. */
  static String render(JsonNode e) {
    String who = e.has("sourceName") ? GitOpsCli.text(e, "sourceName")
        : e.has("source") ? GitOpsCli.text(e, "source") : GitOpsCli.text(e, "name");
    String type = GitOpsCli.text(e, "type");
    String detail = switch (type) {
      case "Triggered" -> "by " + GitOpsCli.text(e, "why");
      case "Fetched" -> GitOpsCli.text(e, "revision") + (e.path("changed").asBoolean() ? " (new)" : "");
      case "FetchFailed", "ReconcileFailed" -> GitOpsCli.text(e, "reason") + ": " + GitOpsCli.text(e, "message")
          + " (retry in " + e.path("retryInSeconds").asDouble() + " s)";
      case "Reconciled" -> GitOpsCli.text(e, "revision") + " " + e.path("changes") + " in "
          + Math.round(e.path("durationSeconds").asDouble() * 1000) + " ms" + (e.path("drift").asBoolean() ? ", drift" : "");
      case "ConditionChanged" -> GitOpsCli.text(e.get("condition"), "type") + "="
          + GitOpsCli.text(e.get("condition"), "status") + " " + GitOpsCli.text(e.get("condition"), "reason") + " "
          + GitOpsCli.text(e.get("condition"), "message");
      case "SuspendChanged" -> GitOpsCli.text(e, "kind") + " " + (e.path("suspended").asBoolean() ? "suspended" : "resumed");
      default -> e.toString();
    };
    return GitOpsCli.text(e, "time") + "  " + who + "  " + type + "  " + detail.strip();
  }
}

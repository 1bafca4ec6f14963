package dev.sbx.cli;

import dev.sbx.cli.output.Output;
import dev.sbx.cli.output.OutputFormatOption;
import dev.sbx.cli.output.Table;
import java.io.PrintWriter;
import java.util.List;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sbx policy log [SANDBOX] [--since D] [-f]}: the egress proxy's recent decisions (its
 * in-memory ring of the last 10,000), grouped by sandbox, host, port, rule and decision with a
 * count and when each was last seen. Denials come first. {@code -f} keeps polling (every second)
 * and prints the groups of each new interval; with {@code -o json} each row is then one JSON line.
 */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Show the egress proxy's decisions, aggregated.",
    footer = {"", "Examples:", "  sbx policy log", "  sbx policy log dev --since 10m", "  sbx policy log dev -f",
        "  sbx policy log -o json"})
final class PolicyLogCommand implements Callable<Integer> {
  static final DateTimeFormatter SEEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "SANDBOX", description = "only this sandbox")
  String sandbox;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "only decisions since WHEN: a duration (30s, 10m, 2h, 1d) or an ISO-8601 instant")
  String since;

  @Option(names = {"-f", "--follow"}, description = "keep printing new decisions until interrupted")
  boolean follow;

  @Option(names = "--follow-polls", hidden = true, defaultValue = "0", description = "stop after N polls (tests)")
  int followPolls;

  @Option(names = "--poll-interval", hidden = true, defaultValue = "1000", description = "milliseconds between polls")
  long pollMillis;

  @Mixin OutputFormatOption output;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() throws InterruptedException {
    Instant from = since == null ? null : parseSince(since, Instant.now());
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(locations, remote);
    PrintWriter out = spec.commandLine().getOut();
    JsonNode first = daemon.isPresent() ? fetch(daemon.get(), from) : empty();
    if (!follow) {
      ObjectNode doc = JsonMapper.shared().createObjectNode();
      doc.set("rows", first.get("rows"));
      output.print(doc, () -> table(first));
      return 0;
    }
    if (daemon.isEmpty()) {
      throw new CliFailure("no sbx daemon runs for " + locations.daemonStateDir() + "; nothing to follow",
          ExitCodes.INVALID_INPUT);
    }
    printFollow(out, first, true);
    Instant cursor = Instant.parse(first.get("now").asString());
    for (int polls = 1; followPolls == 0 || polls < followPolls; polls++) {
      Thread.sleep(pollMillis);
      JsonNode next = fetch(daemon.get(), cursor);
      printFollow(out, next, false);
      cursor = Instant.parse(next.get("now").asString());
    }
    return 0;
  }

  private void printFollow(PrintWriter out, JsonNode reply, boolean header) {
    if (!output.structured()) {
      List<String> lines = table(reply).lines(Output.of(spec).style());
      lines.subList(header ? 0 : 1, lines.size()).forEach(out::println);
    } else {
      for (JsonNode row : reply.get("rows")) {
        out.println(row.toString());
      }
    }
    out.flush();
  }

  private JsonNode fetch(DaemonSandboxes daemon, Instant from) {
    StringBuilder path = new StringBuilder("/v1/policy/log");
    String sep = "?";
    if (sandbox != null) {
      path.append(sep).append("sandbox=").append(URLEncoder.encode(sandbox, StandardCharsets.UTF_8));
      sep = "&";
    }
    if (from != null) {
      path.append(sep).append("since=").append(URLEncoder.encode(from.toString(), StandardCharsets.UTF_8));
    }
    return daemon.call("GET", path.toString(), "");
  }

  private static JsonNode empty() {
    ObjectNode n = JsonMapper.shared().createObjectNode().put("now", Instant.now().toString());
    ArrayNode rows = n.putArray("rows");
    return n.set("rows", rows);
  }

  private static Table table(JsonNode reply) {
    Table t = Table.withHeader("SANDBOX", "HOST", "PORT", "RULE", "DECISION", "COUNT", "LAST SEEN");
    for (JsonNode r : reply.get("rows")) {
      t.row(r.get("sandbox").asString(), r.get("host").asString(), r.get("port").asInt(), r.get("rule").asString(),
          r.get("decision").asString(), r.get("count").asLong(), SEEN.format(Instant.parse(r.get("lastSeen").asString())));
    }
    return t;
  }

  /** {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, or an ISO-8601 instant. */
  static Instant parseSince(String text, Instant now) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.matches("\\d+[smhd]")) {
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      ChronoUnit unit = switch (t.charAt(t.length() - 1)) {
        case 's' -> ChronoUnit.SECONDS;
        case 'm' -> ChronoUnit.MINUTES;
        case 'h' -> ChronoUnit.HOURS;
        default -> ChronoUnit.DAYS;
      };
      return now.minus(Duration.of(n, unit));
    }
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new CliFailure("--since " + text + ": use a duration like 30s, 10m, 2h, 1d or an ISO-8601 instant such as "
          + "2026-01-29T10:15:00Z", ExitCodes.INVALID_INPUT);
    }
  }
}

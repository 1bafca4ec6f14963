package dev.sbx.cli;

import dev.sbx.cli.output.OutputFormatOption;
import dev.sbx.cli.output.Table;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sbx policy ls [SANDBOX]}: the rules the proxy enforces for each sandbox, with where each
 * came from (the NetworkPolicy or kit file:line of a GitOps source, the kit of a {@code sbx create}
 * sandbox, or {@code imperative}) and its status ({@code active}, {@code drift}: added by hand to a
 * managed sandbox, {@code removed (drift)}: wanted by the source but not enforced).
 */
@Command(name = "ls", mixinStandardHelpOptions = true, footerHeading = "%nExamples:%n",
    footer = {"  sbx policy ls", "  sbx policy ls dev -o json"}, description = "List effective egress rules and their origin.")
final class PolicyLsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "SANDBOX", description = "only this sandbox")
  String sandbox;

  @Mixin OutputFormatOption output;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() {
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(locations, remote);
    JsonNode reply;
    if (daemon.isEmpty()) {
      if (sandbox != null) {
        throw new CliFailure("sandbox " + sandbox + " has no egress rules: no sbx daemon runs for "
            + locations.daemonStateDir() + " (sbx create, run or apply start one)", ExitCodes.INVALID_INPUT);
      }
      reply = JsonMapper.shared().createObjectNode().set("sandboxes", JsonMapper.shared().createArrayNode());
    } else {
      reply = daemon.get().call("GET", "/v1/policy" + (sandbox == null ? ""
          : "?sandbox=" + URLEncoder.encode(sandbox, StandardCharsets.UTF_8)), "");
    }
    output.print(reply, () -> table(reply));
    return 0;
  }

  private static Table table(JsonNode reply) {
    Table table = Table.withHeader("SANDBOX", "DECISION", "RULE", "ORIGIN", "STATUS");
    for (JsonNode s : reply.get("sandboxes")) {
      String name = s.get("sandbox").asString();
      JsonNode d = s.get("default");
      table.row(name, "default", d.get("mode").asString(), d.get("origin").asString(), d.get("status").asString());
      for (JsonNode r : s.get("rules")) {
        String origin = r.get("origin").asString();
        if (r.hasNonNull("changedBy")) {
          origin += " (" + r.get("changedBy").asString() + " at " + r.get("changedAt").asString() + ")";
        }
        table.row(name, r.get("decision").asString(), r.get("rule").asString(), origin, r.get("status").asString());
      }
    }
    return table;
  }

  /** The running daemon, or exit 2: without one no sandbox has an egress endpoint to change. */
  static DaemonSandboxes daemonFor(SbxLocations locations, RemoteOptions remote, String sandbox) {
    return DaemonSandboxes.running(locations, remote).orElseThrow(() -> new CliFailure("sandbox " + sandbox
        + " has no egress rules: no sbx daemon runs for " + locations.daemonStateDir()
        + " (sbx create, run or apply start one)", ExitCodes.INVALID_INPUT));
  }

  /** What allow/deny/rm/set-default print: one line per rule, and a warning when it is drift. */
  static void printChange(CommandSpec spec, JsonNode reply, OutputFormatOption output) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.structured()) {
      output.print(reply, () -> null);
    } else {
      String sandbox = reply.get("sandbox").asString();
      String action = reply.get("action").asString();
      String done = switch (action) {
        case "allow" -> "allowed";
        case "deny" -> "denied";
        case "rm" -> "removed";
        default -> "default set to";
      };
      for (JsonNode r : reply.path("changed")) {
        out.println(sandbox + ": " + done + " " + r.asString());
      }
      for (JsonNode r : reply.path("unchanged")) {
        out.println(sandbox + ": " + r.asString() + (action.equals("rm") ? " is not a rule of this sandbox"
            : " unchanged (already " + (action.equals("set-default") ? "the default" : done) + ")"));
      }
      out.flush();
    }
    if (reply.path("changed").size() > 0 && "source".equals(reply.path("managedBy").asString(""))) {
      String drift = reply.path("drift").asString("correct");
      String then = switch (drift) {
        case "warn" -> "the next apply reports it and keeps it (drift: warn)";
        case "ignore" -> "apply ignores it (drift: ignore)";
        default -> "the next apply or reconcile reverts it (drift: correct)";
      };
      PrintWriter err = spec.commandLine().getErr();
      err.println("sbx: warning: " + reply.get("sandbox").asString() + " is managed by " + reply.get("source").asString()
          + "; this change is drift: `sbx diff` shows it and " + then + ". Change the source to keep it.");
      err.flush();
    }
  }
}

package dev.sbx.cli;

import dev.sbx.cli.output.Output;
import dev.sbx.cli.output.OutputFormatOption;
import dev.sbx.cli.output.Style;
import dev.sbx.cli.output.Table;
import dev.sbx.reconciler.daemon.SandboxJson;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sbx ls [-o table|json|yaml]}: the sandboxes that exist and what their VMs are really doing,
 * as the daemon's runtime sees them when a daemon runs for the state directory (with who manages
 * each and whether it drifted), else the runtime's own. The JSON/YAML fields are documented in
 * docs/policy-cli.md and stable.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx ls",
        "  sbx ls -o json                            # stable fields, for scripts",
        "  sbx ls -o yaml"},
    name = "ls", mixinStandardHelpOptions = true, description = "List sandboxes with their observed status, owner and drift.")
final class SandboxListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OutputFormatOption output;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() {
    JsonNode sandboxes;
    var ports = new java.util.TreeMap<String, String>();
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(locations, remote);
    if (daemon.isPresent()) {
      sandboxes = daemon.get().call("GET", "/v1/sandboxes?view=detail", "");
      // published ports live in the daemon (sbx ports): HOST_IP:HOST_PORT->GUEST_PORT, comma-separated
      try {
        for (JsonNode p : daemon.get().call("GET", "/v1/ports", "")) {
          ports.merge(p.get("sandbox").asString(), p.get("hostIp").asString() + ":" + p.get("hostPort").asInt() + "->"
              + p.get("guestPort").asInt(), (a, b) -> a + "," + b);
        }
      } catch (CliFailure olderDaemon) {
        // a daemon from before `sbx ports` has no such route: nothing is published there
      }
    } else {
      ArrayNode array = new ObjectMapper().createArrayNode();
      try (var runtime = SandboxRuntimes.open()) {
        runtime.list().forEach(s -> array.add(direct(SandboxJson.of(s), s.labels())));
      }
      sandboxes = array;
    }
    output.print(sandboxes, () -> table(sandboxes, ports, Output.of(spec).style()));
    return 0;
  }

  /** {@code ports}: sandbox name to its published ports as HOST_IP:HOST_PORT->GUEST_PORT, comma-separated. */
  static Table table(JsonNode sandboxes, java.util.Map<String, String> ports, Style style) {
    Table table = Table.withHeader("SANDBOX", "AGENT", "STATUS", "OWNER", "DRIFT", "CPUS", "MEMORY", "PORTS",
        "WORKSPACE");
    for (JsonNode s : sandboxes) {
      StringBuilder p = new StringBuilder();
      s.path("ports").forEach(x -> p.append(p.isEmpty() ? "" : ",").append(x.isObject()
          ? x.path("spec").asString(x.toString()) : x.asString()));
      JsonNode workspace = s.get("workspace");
      table.row(s.get("name").asString(), s.path("agent").asString(""), style.state(s.get("status").asString()),
          s.path("managedBy").asString(""), s.path("drift").asBoolean(false) ? style.yellow("yes") : "no",
          s.path("cpus").asInt(), s.path("memoryMib").asLong() + "MiB", ports.getOrDefault(s.get("name").asString(), p.isEmpty() ? "-" : p.toString()),
          workspace == null || workspace.isNull() ? "-" : workspace.asString());
    }
    return table;
  }

  /** Without a daemon: the same fields, from the runtime alone (no source, so no drift). */
  private static ObjectNode direct(ObjectNode n, java.util.Map<String, String> labels) {
    n.put("state", n.get("status").asString().toLowerCase(Locale.ROOT));
    String owner = n.path("owner").asString("");
    n.put("managedBy", owner.startsWith("cli") ? "cli" : owner.isEmpty() ? "unmanaged" : "source");
    n.put("source", owner.startsWith("cli") ? "cli" : owner.isEmpty() ? null : owner);
    n.put("image", labels.getOrDefault("image", null));
    n.put("createdAt", labels.getOrDefault("created-at", null));
    n.put("drift", false);
    n.putArray("driftDetails");
    return n;
  }
}

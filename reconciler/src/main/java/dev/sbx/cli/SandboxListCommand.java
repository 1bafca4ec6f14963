package dev.sbx.cli;

import dev.sbx.reconciler.daemon.SandboxJson;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
@Command(name = "ls", description = "List sandboxes with their observed status.",
    footer = {"", "Examples:", "  sbx ls", "  sbx ls -o json", "  sbx ls -o yaml"})
final class SandboxListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml")
  String output;

  @Mixin SbxLocations locations;

  @Override
  public Integer call() {
    Output.Format format = Output.parse(output);
    JsonNode sandboxes;
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(locations);
    if (daemon.isPresent()) {
      sandboxes = daemon.get().call("GET", "/v1/sandboxes?view=detail", "");
    } else {
      ArrayNode array = new ObjectMapper().createArrayNode();
      try (var runtime = SandboxRuntimes.open()) {
        runtime.list().forEach(s -> array.add(direct(SandboxJson.of(s), s.labels())));
      }
      sandboxes = array;
    }
    var out = spec.commandLine().getOut();
    if (format != Output.Format.TABLE) {
      Output.document(out, sandboxes, format);
      return 0;
    }
    Output.Table table = new Output.Table("SANDBOX", "AGENT", "STATUS", "OWNER", "DRIFT", "CPUS", "MEMORY", "PORTS",
        "WORKSPACE");
    for (JsonNode s : sandboxes) {
      JsonNode ports = s.path("ports");
      StringBuilder p = new StringBuilder();
      ports.forEach(x -> p.append(p.isEmpty() ? "" : ",").append(x.isObject() ? x.path("spec").asString(x.toString())
          : x.asString()));
      table.row(s.get("name").asString(), s.path("agent").asString(""), s.get("status").asString(),
          s.path("managedBy").asString(""), s.path("drift").asBoolean(false) ? "yes" : "no",
          s.path("cpus").asInt(), s.path("memoryMib").asLong() + "MiB", p.toString(),
          s.path("workspace").isNull() ? "" : s.path("workspace").asString(""));
    }
    table.print(out);
    return 0;
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

package dev.sbx.cli;

import dev.sbx.reconciler.daemon.SandboxJson;
import dev.sbx.cli.output.Output;
import dev.sbx.cli.output.OutputFormatOption;
import dev.sbx.cli.output.Style;
import dev.sbx.cli.output.Table;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code sbx ls [-o json]}: the sandboxes that exist and what their VMs are really doing, as the
 * daemon's runtime sees them when a daemon runs for the state directory, else the runtime's own.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx ls",
        "  sbx ls -o json                            # stable fields, for scripts",
        "  sbx ls -o yaml"},
    name = "ls", mixinStandardHelpOptions = true, description = "List sandboxes with their observed status.")
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
      sandboxes = daemon.get().call("GET", "/v1/sandboxes", "");
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
        runtime.list().forEach(s -> array.add(SandboxJson.of(s)));
      }
      sandboxes = array;
    }
    output.print(sandboxes, () -> table(sandboxes, ports, Output.of(spec).style()));
    return 0;
  }

  /** {@code ports}: sandbox name to its published ports as HOST_IP:HOST_PORT->GUEST_PORT, comma-separated. */
  static Table table(JsonNode sandboxes, java.util.Map<String, String> ports, Style style) {
    Table table = Table.withHeader("SANDBOX", "AGENT", "STATUS", "PORTS", "WORKSPACE");
    for (JsonNode s : sandboxes) {
      JsonNode workspace = s.get("workspace");
      table.row(s.get("name").asString(), s.get("agent").asString(), style.state(s.get("status").asString()),
          ports.getOrDefault(s.get("name").asString(), "-"),
          workspace == null || workspace.isNull() ? "-" : workspace.asString());
    }
    return table;
  }
}

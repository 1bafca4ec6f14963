package dev.sbx.cli;

import dev.sbx.reconciler.daemon.SandboxJson;
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

/**
 * {@code sbx ls [-o json]}: the sandboxes that exist and what their VMs are really doing, as the
 * daemon's runtime sees them when a daemon runs for the state directory, else the runtime's own.
 */
@Command(name = "ls", description = "List sandboxes with their observed status.")
final class SandboxListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
  String output;

  @Mixin SbxLocations locations;

  @Override
  public Integer call() {
    if (!"json".equals(output) && !"table".equals(output)) {
      spec.commandLine().getErr().println("sbx: -o must be table or json, not '" + output + "'");
      return 2;
    }
    JsonNode sandboxes;
    var ports = new java.util.TreeMap<String, String>();
    Optional<DaemonSandboxes> daemon = DaemonSandboxes.running(locations);
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
    var out = spec.commandLine().getOut();
    if ("json".equals(output)) {
      out.println(sandboxes.toPrettyString());
      return 0;
    }
    String format = "%-24s %-10s %-10s %-8s %s%n";
    out.printf(format, "SANDBOX", "AGENT", "STATUS", "PORTS", "WORKSPACE");
    for (JsonNode s : sandboxes) {
      String agent = s.get("agent").asString();
      JsonNode workspace = s.get("workspace");
      out.printf(format, s.get("name").asString(), agent.isEmpty() ? "-" : agent, s.get("status").asString(),
          ports.getOrDefault(s.get("name").asString(), "-"),
          workspace == null || workspace.isNull() ? "-" : workspace.asString());
    }
    return 0;
  }
}

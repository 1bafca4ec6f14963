package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.ports.PortSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code sbx ports SANDBOX [--publish SPEC]... [--unpublish SPEC]... [-o table|json|yaml]}: host
 * ports forwarded to ports inside the sandbox, as {@code docker sandbox ports} / {@code docker run
 * -p}. The daemon owns the listeners (started on demand when publishing) and carries each
 * connection over the guest-agent channel, since the VM has no network device.
 */
@Command(name = "ports", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"List, publish or unpublish ports of a sandbox.",
        "A published port listens on the host (127.0.0.1 unless IP is given; an ephemeral port when HOST is"
            + " left out) and forwards each connection to 127.0.0.1:GUEST inside the sandbox."},
    footer = {"", "Examples:",
        "  sbx ports api --publish 8080        # 127.0.0.1:<ephemeral> -> guest 8080",
        "  sbx ports api --publish 3000:3000 --publish 127.0.0.1:9229:9229",
        "  sbx ports api                       # SANDBOX HOST_IP HOST_PORT GUEST_PORT",
        "  sbx ports api --unpublish 8080      # every host port forwarding to 8080",
        "  sbx ports api -o json"})
final class PortsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SANDBOX", description = "the sandbox")
  String name;

  @Option(names = {"-p", "--publish"}, paramLabel = "[[IP:]HOST:]GUEST",
      description = "publish guest port GUEST on host port HOST (ephemeral when left out) of IP (default 127.0.0.1); repeatable")
  List<String> publish = new ArrayList<>();

  @Option(names = "--unpublish", paramLabel = "[[IP:]HOST:]GUEST",
      description = "unpublish the ports this names (parts left out match any); repeatable")
  List<String> unpublish = new ArrayList<>();

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json|yaml",
      description = "output format (default: ${DEFAULT-VALUE})")
  String output;

  @Mixin SbxLocations locations;

  @Override
  public Integer call() {
    if (!List.of("table", "json", "yaml").contains(output)) {
      throw new CliFailure("-o must be table, json or yaml, not '" + output + "'", ExitCodes.INVALID_INPUT);
    }
    checkSpecs(publish, "--publish");
    checkSpecs(unpublish, "--unpublish");
    Path stateDir = locations.daemonStateDir();
    PrintWriter out = spec.commandLine().getOut();
    if (publish.isEmpty() && unpublish.isEmpty()) {
      ApiClient client = new ApiClient(Daemon.socket(stateDir));
      // No daemon, nothing published: ports live only as long as a daemon forwards them.
      JsonNode ports = client.reachable() ? call(client, "GET", "/v1/sandboxes/" + name + "/ports", "")
          : JSON.createArrayNode();
      print(out, ports);
      return 0;
    }
    ApiClient client = DaemonLauncher.connect(stateDir);
    ArrayNode changed = JSON.createArrayNode();
    if (!unpublish.isEmpty()) {
      JsonNode removed = call(client, "DELETE", "/v1/sandboxes/" + name + "/ports", body("unpublish", unpublish));
      removed.forEach(changed::add);
      if ("table".equals(output)) {
        removed.forEach(p -> out.println(name + ": unpublished " + address(p) + " -> " + p.get("guestPort").asInt()));
      }
    }
    if (!publish.isEmpty()) {
      JsonNode added = call(client, "POST", "/v1/sandboxes/" + name + "/ports", body("publish", publish));
      added.forEach(changed::add);
      if ("table".equals(output)) {
        added.forEach(p -> out.println(name + ": " + address(p) + " -> " + p.get("guestPort").asInt()));
      }
    }
    if (!"table".equals(output)) {
      print(out, changed);
    }
    return 0;
  }

  /** Bad specs are the user's: one message naming the argument, exit 2, before any daemon call. */
  private static void checkSpecs(List<String> specs, String option) {
    for (String s : specs) {
      try {
        PortSpec.parse(s);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(option + " " + e.getMessage(), ExitCodes.INVALID_INPUT);
      }
    }
  }

  private static String body(String field, List<String> specs) {
    var node = JSON.createObjectNode();
    specs.forEach(node.putArray(field)::add);
    return node.toString();
  }

  private static String address(JsonNode p) {
    String ip = p.get("hostIp").asString();
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + p.get("hostPort").asInt();
  }

  private void print(PrintWriter out, JsonNode ports) {
    switch (output) {
      case "json" -> out.println(ports.toPrettyString());
      case "yaml" -> out.print(yaml(ports));
      default -> out.print(table(ports));
    }
    out.flush();
  }

  /** Aligned columns, as {@code sbx ls}; the header alone when nothing is published. */
  static String table(JsonNode ports) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SANDBOX", "HOST_IP", "HOST_PORT", "GUEST_PORT"});
    for (JsonNode p : ports) {
      rows.add(new String[] {p.get("sandbox").asString(), p.get("hostIp").asString(), "" + p.get("hostPort").asInt(),
          "" + p.get("guestPort").asInt()});
    }
    int[] width = new int[4];
    rows.forEach(r -> {
      for (int i = 0; i < 4; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    });
    var sb = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < 4; i++) {
        sb.append(i < 3 ? String.format("%-" + (width[i] + 3) + "s", r[i]) : r[i]);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The same fields as JSON; every value is a name, an IP, a number or a boolean, so no quoting is needed beyond IPv6. */
  static String yaml(JsonNode ports) {
    if (ports.isEmpty()) {
      return "[]\n";
    }
    var sb = new StringBuilder();
    for (JsonNode p : ports) {
      String prefix = "- ";
      for (var field : p.properties()) {
        JsonNode v = field.getValue();
        String text = v.isString() ? "\"" + v.asString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : v.toString();
        sb.append(prefix).append(field.getKey()).append(": ").append(text).append('\n');
        prefix = "  ";
      }
    }
    return sb.toString();
  }

  /** The 200 answer's body; a daemon error becomes one message with the CLI's exit code. */
  private static JsonNode call(ApiClient client, String method, String path, String body) {
    ApiClient.Reply reply;
    try {
      reply = client.call(method, path, body);
    } catch (IOException e) {
      throw new CliFailure("the sbx daemon failed to answer on " + client.socket() + ": " + e.getMessage(),
          ExitCodes.ENVIRONMENT);
    }
    if (reply.status() == 200) {
      return reply.body();
    }
    JsonNode b = reply.body();
    String message = b != null && b.has("error") ? b.get("error").asString() : "daemon answered " + reply.status();
    int code = 1;
    if (b != null && b.has("kind")) {
      try {
        code = SandboxRuntimes.exitCode(SandboxException.Kind.valueOf(b.get("kind").asString()));
      } catch (IllegalArgumentException ignored) {
        // a kind this CLI does not know: generic failure
      }
    }
    throw new CliFailure(message, code);
  }
}

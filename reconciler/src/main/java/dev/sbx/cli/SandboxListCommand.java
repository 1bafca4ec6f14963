package dev.sbx.cli;

import dev.sbx.vm.api.SandboxInfo;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;

/** {@code sbx ls [-o json]}: the sandboxes that exist and what their VMs are really doing. */
@Command(name = "ls", description = "List sandboxes with their observed status.")
final class SandboxListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
  String output;

  @Override
  public Integer call() {
    List<SandboxInfo> sandboxes;
    try (var runtime = SandboxRuntimes.open()) {
      sandboxes = runtime.list();
    }
    var out = spec.commandLine().getOut();
    if ("json".equals(output)) {
      var mapper = new ObjectMapper();
      ArrayNode array = mapper.createArrayNode();
      for (SandboxInfo s : sandboxes) {
        var node = array.addObject().put("name", s.name()).put("agent", s.labels().getOrDefault("agent", ""))
            .put("status", status(s)).put("workspace", s.workspace() == null ? null : s.workspace().toString())
            .put("owner", s.owner()).put("specHash", s.specHash()).put("driver", s.driver())
            .put("cpus", s.cpus()).put("memoryMib", s.memoryMib());
        node.putArray("ports");
        if (s.pid().isPresent()) {
          node.put("pid", s.pid().getAsLong());
        }
        s.failures().forEach(node.putArray("failures")::add);
      }
      out.println(array.toPrettyString());
      return 0;
    }
    if (!"table".equals(output)) {
      spec.commandLine().getErr().println("sbx: -o must be table or json, not '" + output + "'");
      return 2;
    }
    String format = "%-24s %-10s %-10s %-8s %s%n";
    out.printf(format, "SANDBOX", "AGENT", "STATUS", "PORTS", "WORKSPACE");
    for (SandboxInfo s : sandboxes) {
      out.printf(format, s.name(), s.labels().getOrDefault("agent", "-"), status(s), "-",
          s.workspace() == null ? "-" : s.workspace());
    }
    return 0;
  }

  private static String status(SandboxInfo s) {
    return s.state().name().toLowerCase(Locale.ROOT);
  }
}

package dev.sbx.cli;

import dev.sbx.cli.output.OutputFormatOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code sbx policy allow|deny|rm} share: {@code SANDBOX RULE...} (Docker's spelling {@code
 * allow network SANDBOX a.com,b.com} works too: a leading {@code network} is skipped and rules may
 * be comma-separated), one call to the daemon, which changes the proxy's rules at once.
 */
abstract class PolicyRuleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "2..*", paramLabel = "SANDBOX RULE", description = "the sandbox, then one or more rules")
  List<String> args;

  @Mixin OutputFormatOption output;

  @Mixin SbxLocations locations;
  @Mixin RemoteOptions remote;

  /** {@code allow}, {@code deny} or {@code rm}. */
  abstract String action();

  @Override
  public Integer call() {
    List<String> words = new ArrayList<>(args);
    if (words.get(0).equals("network") && words.size() > 2) {
      words.remove(0);
    }
    String sandbox = words.remove(0);
    List<String> rules = new ArrayList<>();
    for (String w : words) {
      for (String r : w.split(",")) {
        if (!r.isBlank()) {
          rules.add(r.trim());
        }
      }
    }
    ObjectNode body = JsonMapper.shared().createObjectNode().put("sandbox", sandbox);
    rules.forEach(body.putArray("rules")::add);
    JsonNode reply = PolicyLsCommand.daemonFor(locations, remote, sandbox).call("POST", "/v1/policy/" + action(), body.toString());
    PolicyLsCommand.printChange(spec, reply, output);
    return 0;
  }
}

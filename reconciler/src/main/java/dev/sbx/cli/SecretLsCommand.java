package dev.sbx.cli;

import dev.sbx.secrets.ServiceCatalog;
import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretKind;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.ServiceDefinition;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sbx secret ls [-g | SANDBOX] [-o json]}. Never prints a value: long values show their first
 * and last 4 characters ({@code ghp_****...****43qy}, as Docker does), values under 20 characters
 * only {@code ********}.
 */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List stored secrets (values masked, never printed).")
public final class SecretLsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Option(names = {"-g", "--global"}, description = "Only global secrets")
  boolean global;

  @Parameters(arity = "0..1", paramLabel = "SANDBOX", description = "Only the secrets this sandbox sees")
  String sandbox;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json")
  String output = "text";

  @Override
  public Integer call() throws Exception {
    SecretStore store = Secrets.open(locations.secretsDir());
    ServiceCatalog catalog = ServiceCatalog.builtIn();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (SecretEntry e : store.list()) {
      boolean isGlobal = e.scope() instanceof Scope.Global;
      if ((global && !isGlobal) || (sandbox != null && !isGlobal && !e.scope().equals(Scope.sandbox(sandbox)))) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("scope", isGlobal ? "global" : ((Scope.Sandbox) e.scope()).name());
      row.put("type", e.kind() == SecretKind.SERVICE ? "service" : "custom");
      row.put("name", e.name());
      row.put("secret", store.masked(e.scope(), e.name()).orElse(""));
      if (e.kind() == SecretKind.CUSTOM) {
        row.put("env", e.envVar());
        row.put("placeholder", e.placeholder());
        row.put("hosts", e.hosts());
      } else {
        row.put("hosts", catalog.find(e.name()).map(ServiceDefinition::domains).orElse(List.of()));
      }
      rows.add(row);
    }
    PrintWriter out = spec.commandLine().getOut();
    if ("json".equals(output)) {
      out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
    } else if ("text".equals(output)) {
      out.printf("%-12s %-8s %-20s %-28s %s%n", "SCOPE", "TYPE", "NAME", "SECRET", "DETAIL");
      for (Map<String, Object> r : rows) {
        String scopeText = "global".equals(r.get("scope")) ? "(global)" : (String) r.get("scope");
        String hostList = String.join(",", castList(r.get("hosts")));
        String detail = r.containsKey("placeholder")
            ? "env=" + r.get("env") + " placeholder=" + r.get("placeholder") + " hosts=" + hostList
            : "domains=" + hostList;
        out.printf("%-12s %-8s %-20s %-28s %s%n", scopeText, r.get("type"), r.get("name"), r.get("secret"), detail);
      }
    } else {
      spec.commandLine().getErr().println("sbx: unknown output format '" + output + "'\n  hint: use -o text or -o json");
      return 2;
    }
    out.flush();
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object o) {
    return (List<String>) o;
  }
}

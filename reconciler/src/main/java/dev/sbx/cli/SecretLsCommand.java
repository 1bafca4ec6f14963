package dev.sbx.cli;

import dev.sbx.secrets.ServiceCatalog;
import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretKind;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.ServiceDefinition;
import dev.sbx.cli.output.OutputFormatOption;
import dev.sbx.cli.output.Table;
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
 * {@code sbx secret ls [-g | SANDBOX] [-o table|json|yaml]}. Never prints a value: long values show their first
 * and last 4 characters ({@code ghp_****...****43qy}, as Docker does), values under 20 characters
 * only {@code ********}.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx secret ls                             # every secret, values masked",
        "  sbx secret ls -g -o json",
        "  sbx secret ls api-dev                     # what this sandbox sees"},
    name = "ls", mixinStandardHelpOptions = true, description = "List stored secrets (values masked, never printed).")
public final class SecretLsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Option(names = {"-g", "--global"}, description = "Only global secrets")
  boolean global;

  @Parameters(arity = "0..1", paramLabel = "SANDBOX", description = "Only the secrets this sandbox sees")
  String sandbox;

  @Mixin OutputFormatOption output;

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
    output.print(JsonMapper.builder().build().valueToTree(rows), () -> table(rows));
    return 0;
  }

  private static Table table(List<Map<String, Object>> rows) {
    Table table = Table.withHeader("SCOPE", "TYPE", "NAME", "SECRET", "DETAIL");
    for (Map<String, Object> r : rows) {
      String scopeText = "global".equals(r.get("scope")) ? "(global)" : (String) r.get("scope");
      String hostList = String.join(",", castList(r.get("hosts")));
      String detail = r.containsKey("placeholder")
          ? "env=" + r.get("env") + " placeholder=" + r.get("placeholder") + " hosts=" + hostList
          : "domains=" + hostList;
      table.row(scopeText, r.get("type"), r.get("name"), r.get("secret"), detail);
    }
    return table;
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object o) {
    return (List<String>) o;
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.schemas.ManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkPolicyRulesTest {
  @TempDir Path dir;

  Path policy(String mode, String allow, String deny) throws Exception {
    Path f = dir.resolve("policy.yaml");
    Files.writeString(f, "apiVersion: sbx/v1\nkind: NetworkPolicy\nmetadata:\n  name: dev\nspec:\n  default: " + mode
        + "\n  allow:\n" + allow + "  deny:\n" + deny);
    return f;
  }

  @Test
  void rulesOfAValidPolicy() throws Exception {
    RuleSet rules = NetworkPolicyRules.load(policy("balanced", "    - api.github.com:443\n    - \"**.example.com\"\n",
        "    - evil.example.com\n"));
    assertEquals(RuleSet.of(Mode.BALANCED, List.of("api.github.com:443", "**.example.com"), List.of("evil.example.com")),
        rules);
  }

  @Test
  void badRulesAreReportedAtTheirLines() throws Exception {
    Path f = policy("deny-all", "    - api.github.com:443\n    - \"*.com\"\n", "    - \"**.com\"\n");
    ManifestException e = assertThrows(ManifestException.class, () -> NetworkPolicyRules.load(f));
    List<String> lines = ErrorHandler.render(e.problems());
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith(f.getFileName() + ":9:") || lines.get(0).contains("policy.yaml:9:"), lines.get(0));
    assertTrue(lines.get(0).contains("invalid network rule '*.com'") && lines.get(0).contains("at /spec/allow/1"),
        lines.get(0));
    assertTrue(lines.get(1).contains("policy.yaml:11:") && lines.get(1).contains("at /spec/deny/0"), lines.get(1));
  }
}

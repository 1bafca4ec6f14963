package dev.sbx.cli;

import static dev.sbx.cli.KitStackCliTest.assertConflict;
import static dev.sbx.cli.KitStackCliTest.corpus;
import static dev.sbx.cli.KitStackCliTest.sbx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.cli.KitStackCliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** {@code sbx render -f DIR} on a GitOps-like directory of real kits, manifests and a policy. */
class RenderDirCliTest {
  @TempDir Path repo;

  @BeforeEach
  void layout() throws IOException {
    for (String kit : List.of("bun", "biome", "cloudsmith-dependency-firewall", "codex")) {
      Path dir = repo.resolve("kits").resolve(kit);
      Files.createDirectories(dir);
      Files.copy(corpus(kit).resolve("spec.yaml"), dir.resolve("spec.yaml"));
    }
    write("kits/my-agent/spec.yaml", """
        schemaVersion: "2"
        kind: sandbox
        name: my-agent
        extends: shell
        sandbox:
          image: example.com/my-agent:1
        """);
    write("sandboxes/web.yaml", """
        apiVersion: sbx/v1
        kind: Sandbox
        metadata: {name: web}
        spec:
          agent: claude
          kits: [../kits/bun, ../kits/biome]
          workspace: /srv/work/web
          policy: team-default
        ---
        apiVersion: sbx/v1
        kind: Sandbox
        metadata: {name: api}
        spec:
          agent: my-agent
          kits: [../kits/bun, ../kits/cloudsmith-dependency-firewall]
          policy: team-default
        """);
    write("policies/team.yaml", """
        apiVersion: sbx/v1
        kind: NetworkPolicy
        metadata: {name: team-default}
        spec:
          default: deny-all
          allow: ["api.github.com:443", "**.githubusercontent.com"]
          deny: ["github.com", "*.pastebin.com"]
        """);
  }

  private void write(String relative, String text) throws IOException {
    Path f = repo.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> docs = new ArrayList<>();
    new Load(LoadSettings.builder().build()).loadAllFromString(yaml)
        .forEach(d -> docs.add((Map<String, Object>) d));
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> doc, String... keys) {
    Object node = doc;
    for (String k : keys) {
      node = ((Map<String, Object>) node).get(k);
    }
    return (Map<String, Object>) node;
  }

  @Test
  void rendersEachSandboxSortedByNameWithPolicyApplied() {
    Run run = sbx("render", "-f", repo.toString());
    assertEquals(0, run.code(), run.err());
    List<Map<String, Object>> docs = documents(run.out());
    assertEquals(List.of("api", "web"), docs.stream().map(d -> at(d, "metadata").get("name"))
        .toList());
    Map<String, Object> api = docs.get(0);
    assertEquals("my-agent", at(api, "spec", "kit").get("name"));
    assertEquals("example.com/my-agent:1", at(api, "spec", "kit", "sandbox").get("image"));
    Map<String, Object> egress = at(docs.get(1), "spec", "egress");
    assertEquals("deny-all", egress.get("default"));
    List<?> deny = (List<?>) egress.get("deny");
    assertTrue(deny.contains("github.com"), "policy deny kept: " + deny);
    List<?> allow = (List<?>) egress.get("allow");
    assertTrue(allow.contains("github.com"), "the kit allow stays listed; the deny wins");
    assertTrue(allow.contains("api.github.com:443"), "policy allows added");
  }

  @Test
  void outputIsTheSameWhateverTheFileLayout() throws IOException {
    String before = sbx("render", "-f", repo.toString()).out();
    // Same documents, split across files in the opposite order and renamed.
    String both = Files.readString(repo.resolve("sandboxes/web.yaml"));
    Files.delete(repo.resolve("sandboxes/web.yaml"));
    String[] parts = both.split("---\n");
    write("sandboxes/a-api.yaml", parts[1]);
    write("sandboxes/z-web.yaml", parts[0]);
    assertEquals(before, sbx("render", "-f", repo.toString()).out());
  }

  @Test
  void explainShowsPolicyDenyWinningOverAKitAllow() {
    Run run = sbx("render", "-f", repo.toString(), "--sandbox", "web", "--explain");
    assertEquals(0, run.code(), run.err());
    String out = run.out();
    assertTrue(out.matches("(?s).*- github.com  # from kit bun \\([^)]*kits/bun/spec.yaml:\\d+:\\d+\\);"
        + " also kit biome \\([^)]*\\); never used: denied by github.com from policy team-default "
        + "\\([^)]*policies/team.yaml:7:\\d+\\).*"), out);
    assertTrue(out.contains("default: deny-all  # from policy team-default ("), out);
    assertTrue(out.contains("workspace: /srv/work/web  # from sandbox web ("), out);
    assertFalse(out.contains("name: api"), "--sandbox filters");
  }

  @Test
  void explainedAndPlainOutputLoadToTheSameDocuments() {
    Run plain = sbx("render", "-f", repo.toString());
    Run explained = sbx("render", "-f", repo.toString(), "--explain");
    assertEquals(0, explained.code(), explained.err());
    assertEquals(documents(plain.out()), documents(explained.out()));
    assertTrue(explained.out().length() > plain.out().length());
  }

  @Test
  void intersectMakesKitAllowsOutsideThePolicyInactive() {
    Run run = sbx("render", "-f", repo.toString(), "--sandbox", "web", "--kit-allows", "intersect",
        "-o", "json");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("\"inactiveAllow\""), run.out());
    assertTrue(run.out().contains("\"objects.githubusercontent.com\""), run.out());
    Run explained = sbx("render", "-f", repo.toString(), "--sandbox", "web", "--kit-allows",
        "intersect", "--explain");
    assertTrue(explained.out().contains("inactive: outside the allows of policy team-default"),
        explained.out());
  }

  @Test
  void thePolicySaysItselfThatKitsMayNotWidenEgress() throws IOException {
    Run before = sbx("render", "-f", repo.toString(), "--sandbox", "web", "-o", "json");
    assertFalse(before.out().contains("\"inactiveAllow\""), before.out());
    write("policies/team.yaml", """
        apiVersion: sbx/v1
        kind: NetworkPolicy
        metadata: {name: team-default}
        spec:
          default: deny-all
          kitAllows: ignore
          allow: ["api.github.com:443", "**.githubusercontent.com"]
          deny: ["github.com", "*.pastebin.com"]
        """);
    // No --kit-allows flag: the policy's own field decides, and beats the command's default.
    Run run = sbx("render", "-f", repo.toString(), "--sandbox", "web", "-o", "json",
        "--kit-allows", "allow");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("\"inactiveAllow\""), run.out());
  }

  @Test
  void anUnknownKitAllowsValueIsExit2AtItsLine() throws IOException {
    write("policies/team.yaml", """
        apiVersion: sbx/v1
        kind: NetworkPolicy
        metadata: {name: team-default}
        spec:
          default: deny-all
          kitAllows: sometimes
        """);
    Run run = sbx("render", "-f", repo.toString());
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().contains("team.yaml:6:"), run.err());
  }

  @Test
  void aDirectoryWithoutSandboxesIsExit2() {
    assertConflict(sbx("render", "-f", repo.resolve("kits").toString()), "no Sandbox manifests",
        "are kits");
    assertConflict(sbx("render", "-f", repo.resolve("nope").toString()),
        "no such file or directory");
  }

  @Test
  void unknownPolicyIsExit2AtTheManifestLine() throws IOException {
    write("sandboxes/lost.yaml", """
        apiVersion: sbx/v1
        kind: Sandbox
        metadata: {name: lost}
        spec:
          agent: shell
          policy: nope
        """);
    assertConflict(sbx("render", "-f", repo.toString()), "lost.yaml:6:3",
        "NetworkPolicy \"nope\"");
  }

  @Test
  void duplicateSandboxNameIsExit2NamingBothFiles() throws IOException {
    write("more/web-again.yaml", """
        apiVersion: sbx/v1
        kind: Sandbox
        metadata: {name: web}
        spec:
          agent: shell
        """);
    assertConflict(sbx("render", "-f", repo.toString()), "duplicate Sandbox name \"web\"",
        "web-again.yaml:3:", "web.yaml:3:");
  }

  @Test
  void agentConflictInAManifestNamesTheManifestAndTheKit() throws IOException {
    write("sandboxes/two.yaml", """
        apiVersion: sbx/v1
        kind: Sandbox
        metadata: {name: two}
        spec:
          agent: claude
          kits: [../kits/codex]
        """);
    assertConflict(sbx("render", "-f", repo.toString()), "two agent/sandbox kits",
        "two.yaml:5:3", "kits/codex/spec.yaml:2:");
  }
}

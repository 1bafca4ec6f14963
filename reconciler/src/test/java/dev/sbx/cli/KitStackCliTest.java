package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

/**
 * {@code sbx kit render KIT...} as a stack, through the real command line in-process: output,
 * --explain, and every stacking conflict as exit 2 with both origins (file:line) named.
 */
class KitStackCliTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run sbx(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Sbx.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Path corpus(String kit) {
    for (Path up = Path.of("").toAbsolutePath(); up != null; up = up.getParent()) {
      Path c = up.resolveSibling("shared").resolve("corpus").resolve("sbx-kits-contrib");
      if (Files.isDirectory(c)) {
        return c.resolve(kit);
      }
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true but ../shared/corpus is missing");
    }
    Assumptions.abort("corpus not present");
    return null;
  }

  static String kit(String name) {
    return corpus(name).toString();
  }

  Path write(String dir, String yaml) throws IOException {
    Path d = tmp.resolve(dir);
    Files.createDirectories(d);
    Files.writeString(d.resolve("spec.yaml"), yaml);
    return d;
  }

  /** Exit 2, no stack trace, and each of {@code places} in the message. */
  static void assertConflict(Run run, String... places) {
    assertEquals(2, run.code(), run.err() + run.out());
    assertEquals("", run.out());
    assertFalse(run.err().contains("\tat "), run.err());
    for (String place : places) {
      assertTrue(run.err().contains(place), "missing " + place + " in:\n" + run.err());
    }
  }

  @Test
  void rendersAStackAsOneSchemaVersion2Document() {
    Run run = sbx("kit", "render", kit("claude"), kit("bun"), kit("biome"));
    assertEquals(0, run.code(), run.err());
    Map<?, ?> doc = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(run.out());
    assertEquals("2", doc.get("schemaVersion"));
    assertEquals("sandbox", doc.get("kind"));
    assertEquals("claude", doc.get("name"));
    Map<?, ?> network = (Map<?, ?>) ((Map<?, ?>) doc.get("permissions")).get("network");
    assertTrue(((List<?>) network.get("allow")).contains("github.com"));
    assertEquals(run.out(), sbx("kit", "render", kit("claude"), kit("bun"), kit("biome")).out(),
        "deterministic");
  }

  @Test
  void theEffectiveKitLoadsAndValidatesAsAKit() throws IOException {
    Run run = sbx("kit", "render", kit("claude"), kit("bun"), kit("biome"), kit("cloudsmith"),
        kit("spec-testdata-sample-mixin"));
    assertEquals(0, run.code(), run.err());
    Path copy = write("effective", run.out());
    Run validate = sbx("kit", "validate", copy.toString());
    assertEquals(0, validate.code(), validate.err() + validate.out());
    assertEquals(run.out(), sbx("kit", "render", copy.toString()).out(), "a fixed point");
  }

  @Test
  void explainNamesTheOriginOfEachValueAndStillParsesAsYaml() {
    Run run = sbx("kit", "render", "--agent", "claude", kit("bun"), kit("biome"), "--explain");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("#   base kit claude (builtin:claude/spec.yaml:"), run.out());
    assertTrue(run.out().matches("(?s).*- github.com  # from kit bun \\([^)]*bun/spec.yaml:\\d+:\\d+\\);"
        + " also kit biome \\([^)]*biome/spec.yaml:\\d+:\\d+\\).*"), run.out());
    assertTrue(run.out().contains("image: docker/sandbox-templates:claude-code-docker  # from "
        + "kit claude (builtin:claude/spec.yaml:"), run.out());
    Map<?, ?> explained = (Map<?, ?>) new Load(LoadSettings.builder().build())
        .loadFromString(run.out());
    Map<?, ?> plain = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(
        sbx("kit", "render", "--agent", "claude", kit("bun"), kit("biome")).out());
    assertEquals(plain, explained, "comments are the only addition");
  }

  @Test
  void explainAsJsonCarriesAProvenanceMap() {
    Run run = sbx("kit", "render", kit("claude"), kit("bun"), "--explain", "-o", "json");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("\"provenance\""), run.out());
    assertTrue(run.out().contains("\"/sandbox/image\" : \"from kit claude ("), run.out());
  }

  @Test
  void environmentOverrideWarnsOnStderr() throws IOException {
    Path a = write("a", "schemaVersion: \"2\"\nkind: mixin\nname: a\nenvironment:\n  variables:\n"
        + "    EDITOR: vi\n");
    Path b = write("b", "schemaVersion: \"2\"\nkind: mixin\nname: b\nenvironment:\n  variables:\n"
        + "    EDITOR: nano\n");
    Run run = sbx("kit", "render", "--agent", "shell", a.toString(), b.toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("b/spec.yaml:6:5: warning: environment variable EDITOR"),
        run.err());
    assertTrue(run.err().contains("a/spec.yaml:6:5"), run.err());
    assertTrue(run.out().contains("EDITOR: nano"), run.out());
  }

  @Test
  void everyCorpusMixinThatRequiresAnAgentStacksOnItAndOnlyOnIt() {
    Map<String, String> requires = Map.of("claude-mem", "claude", "claude-model-runner", "claude",
        "claude-sbx-statusline", "claude", "code-server", "claude", "ecc", "claude",
        "gitguardian", "claude", "openrouter", "claude", "re-gent", "claude", "codex-acp",
        "codex", "mend-guardrails", "codex");
    requires.forEach((mixin, agent) -> {
      Run on = sbx("kit", "render", kit(agent), kit(mixin));
      assertEquals(0, on.code(), mixin + " on " + agent + ": " + on.err());
      String other = agent.equals("claude") ? "codex" : "claude";
      assertConflict(sbx("kit", "render", kit(other), kit(mixin)), "requires agent \"" + agent
          + "\"", mixin + "/spec.yaml:", other + "/spec.yaml:");
    });
  }

  @Test
  void allClaudeMixinsOfTheCorpusStackTogetherWithEnvironmentWarnings() {
    Run run = sbx("kit", "render", kit("claude"), kit("claude-mem"), kit("claude-model-runner"),
        kit("claude-sbx-statusline"), kit("code-server"), kit("ecc"), kit("gitguardian"),
        kit("openrouter"), kit("re-gent"));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().matches("(?s).*openrouter/spec.yaml:\\d+:\\d+: warning: environment "
        + "variable ANTHROPIC_BASE_URL from kit openrouter overrides the value set by kit "
        + "claude-model-runner \\([^)]*claude-model-runner/spec.yaml:\\d+:\\d+\\).*"), run.err());
  }

  @Test
  void twoAgentKitsIsExit2NamingBoth() {
    assertConflict(sbx("kit", "render", kit("claude"), kit("codex")),
        "two agent/sandbox kits", "claude/spec.yaml:2:", "codex/spec.yaml:2:");
  }

  @Test
  void agentFlagAndAnotherSandboxKitIsExit2NamingBoth() {
    assertConflict(sbx("kit", "render", "--agent", "claude", kit("codex")),
        "two agent/sandbox kits", "builtin:claude/spec.yaml:", "codex/spec.yaml:2:");
  }

  @Test
  void duplicateKitNameIsExit2NamingBoth() throws IOException {
    Path copy = write("bun-copy", "schemaVersion: \"2\"\nkind: mixin\nname: bun\n");
    assertConflict(sbx("kit", "render", kit("claude"), kit("bun"), copy.toString()),
        "duplicate kit name \"bun\"", "bun/spec.yaml:3:", "bun-copy/spec.yaml:3:1");
  }

  @Test
  void sameCredentialServiceTwiceIsExit2NamingBoth() throws IOException {
    Path other = write("other", "schemaVersion: \"2\"\nkind: mixin\nname: other\ncredentials:\n"
        + "  - service: anthropic\n    apiKey: {name: X}\n");
    assertConflict(sbx("kit", "render", kit("claude"), other.toString()),
        "credential \"anthropic\"", "claude/spec.yaml:", "other/spec.yaml:5:5");
  }

  @Test
  void lockedPathOverriddenIsExit2NamingBoth() throws IOException {
    Path child = write("child", "schemaVersion: \"2\"\nkind: sandbox\nname: child\n"
        + "extends: sample-agent-v2\nsandbox:\n  image: example.com/other:1\n");
    assertConflict(sbx("kit", "render", kit("spec-testdata-sample-agent-v2"), child.toString()),
        "changes sandbox.image", "child/spec.yaml:6:3",
        "spec-testdata-sample-agent-v2/spec.yaml:9:");
  }

  @Test
  void requiresAgentMismatchIsExit2NamingBoth() {
    assertConflict(sbx("kit", "render", kit("codex"), kit("claude-sbx-statusline")),
        "requires agent \"claude\"", "claude-sbx-statusline/spec.yaml:", "codex/spec.yaml:3:");
  }

  @Test
  void extendsCycleIsExit2NamingBoth() throws IOException {
    Path a = write("ca", "schemaVersion: \"2\"\nkind: sandbox\nname: ca\nextends: cb\n"
        + "sandbox:\n  image: x\n");
    Path b = write("cb", "schemaVersion: \"2\"\nkind: sandbox\nname: cb\nextends: ca\n"
        + "sandbox:\n  image: x\n");
    assertConflict(sbx("kit", "render", a.toString(), b.toString()),
        "extends cycle", "ca/spec.yaml:4:1", "cb/spec.yaml:4:1");
  }

  @Test
  void extendsDeeperThanFiveLevelsIsExit2() throws IOException {
    String[] args = new String[9];
    args[0] = "kit";
    args[1] = "render";
    for (int i = 0; i <= 6; i++) {
      String ext = i == 6 ? "" : "extends: k" + (i + 1) + "\n";
      args[2 + i] = write("k" + i, "schemaVersion: \"2\"\nkind: sandbox\nname: k" + i + "\n"
          + ext + "sandbox:\n  image: x\n").toString();
    }
    assertConflict(sbx(args), "kit k0 is deeper than 5 levels", "k5/spec.yaml:4:1");
  }

  @Test
  void mixinsWithoutAnAgentIsExit2WithAHint() {
    Run run = sbx("kit", "render", kit("bun"), kit("biome"));
    assertConflict(run, "no agent kit", "--agent NAME");
  }

  @Test
  void unknownAgentIsExit2ListingTheBuiltIns() {
    Run run = sbx("kit", "render", "--agent", "nope", kit("bun"));
    assertConflict(run, "agent \"nope\" not found", "shell, claude");
  }

  @Test
  void mixinNamedAsAgentIsExit2() {
    Run run = sbx("kit", "render", "--agent", "bun", kit("bun"));
    assertEquals(2, run.code(), run.err());
  }

  @Test
  void singleKitStillRendersAsWritten() {
    Run run = sbx("kit", "render", kit("bun"));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("kind: mixin"), run.out());
  }
}

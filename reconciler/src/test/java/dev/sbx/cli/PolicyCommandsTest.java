package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.compile.GitOpsDir;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sbx policy …}, {@code sbx create/run} and {@code sbx ls} through the real unix-socket API of
 * an in-process daemon with in-memory actuators (its VM runtime a fake, its egress port the
 * in-memory world). The real proxy is in {@code PolicyProxyIT}, real VMs in {@code PolicyVmIT}.
 */
class PolicyCommandsTest {
  @TempDir Path tmp;
  private Path state;
  private Path workspace;
  private Daemon daemon;
  private FakeSandboxRuntime vm;

  @BeforeEach
  void start() throws Exception {
    state = tmp.resolve("state");
    workspace = Files.createDirectories(tmp.resolve("ws"));
    vm = new FakeSandboxRuntime();
    daemon = Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(OutputStream.nullOutputStream()), vm);
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  private CliRun sbx(String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--state-dir", state.toString())).toArray(String[]::new);
    CliRun run = CliRun.of(all);
    assertFalse(run.hasStackTrace(), run.err());
    return run;
  }

  private static JsonNode json(CliRun run) {
    assertEquals(0, run.exitCode(), run.err());
    return JsonMapper.shared().readTree(run.out());
  }

  private static JsonNode rule(JsonNode policyLs, String decision, String rule) {
    for (JsonNode r : policyLs.get("sandboxes").get(0).get("rules")) {
      if (r.get("decision").asString().equals(decision) && r.get("rule").asString().equals(rule)) {
        return r;
      }
    }
    return null;
  }

  @Test
  void createGoesThroughTheDaemonWithTheDefaultPolicyAndListsAsCli() {
    CliRun create = sbx("create", "shell", workspace.toString(), "--name", "dev", "--cpus", "2", "-m", "512m");
    assertEquals(0, create.exitCode(), create.err());
    assertTrue(create.out().startsWith("dev running"), create.out());
    assertTrue(vm.calls().containsAll(List.of("create dev", "start dev")), vm.calls().toString());

    JsonNode ls = json(sbx("ls", "-o", "json"));
    assertEquals(1, ls.size());
    JsonNode dev = ls.get(0);
    assertEquals("dev", dev.get("name").asString());
    assertEquals("running", dev.get("state").asString());
    assertEquals("running", dev.get("status").asString());
    assertEquals("cli", dev.get("managedBy").asString());
    assertEquals("cli", dev.get("source").asString());
    assertEquals("cli", dev.get("owner").asString());
    assertEquals(2, dev.get("cpus").asInt());
    assertEquals(512, dev.get("memoryMib").asLong());
    assertEquals(workspace.toString(), dev.get("workspace").asString());
    assertFalse(dev.get("image").asString().isEmpty());
    assertTrue(dev.get("createdAt").asString().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), dev.toString());
    assertFalse(dev.get("drift").asBoolean());

    CliRun yaml = sbx("ls", "-o", "yaml");
    Object parsed = new Load(LoadSettings.builder().build()).loadFromString(yaml.out());
    assertTrue(parsed instanceof List<?> l && l.size() == 1, yaml.out());
    assertTrue(yaml.out().contains("managedBy: cli"), yaml.out());

    CliRun table = sbx("ls");
    List<String> lines = table.out().lines().toList();
    assertTrue(lines.get(0).matches("SANDBOX\\s+AGENT\\s+STATUS\\s+OWNER\\s+DRIFT\\s+CPUS\\s+MEMORY\\s+PORTS\\s+WORKSPACE"),
        table.out());
    int col = lines.get(0).indexOf("WORKSPACE");
    assertEquals(workspace.toString(), lines.get(1).substring(col), "columns are aligned: " + table.out());

    JsonNode policy = json(sbx("policy", "ls", "dev", "-o", "json"));
    JsonNode p = policy.get("sandboxes").get(0);
    assertEquals("cli", p.get("managedBy").asString());
    assertEquals("balanced", p.get("default").get("mode").asString(), "sbx create gets the default policy");
    assertEquals("active", p.get("default").get("status").asString());

    CliRun again = sbx("create", "shell", workspace.toString(), "--name", "dev");
    assertEquals(2, again.exitCode());
    assertTrue(again.err().contains("already exists"), again.err());
  }

  @Test
  void allowDenyRmAndSetDefaultChangeTheEnforcedRulesAndShowTheirOrigin() {
    assertEquals(0, sbx("create", "shell", workspace.toString(), "--name", "dev").exitCode());

    CliRun allow = sbx("policy", "allow", "dev", "API.Example.com:443", "*.crates.io");
    assertEquals(0, allow.exitCode(), allow.err());
    assertTrue(allow.out().contains("dev: allowed api.example.com:443"), allow.out());
    assertTrue(allow.err().isEmpty(), "not drift on an imperative sandbox: " + allow.err());
    JsonNode ls = json(sbx("policy", "ls", "dev", "-o", "json"));
    JsonNode r = rule(ls, "allow", "api.example.com:443");
    assertEquals("imperative", r.get("origin").asString());
    assertEquals("active", r.get("status").asString());
    assertEquals("sbx policy allow", r.get("changedBy").asString());

    // Docker's spelling: `allow network SANDBOX a,b`
    assertEquals(0, sbx("policy", "allow", "network", "dev", "a.example.com,b.example.com").exitCode());
    assertTrue(rule(json(sbx("policy", "ls", "dev", "-o", "json")), "allow", "b.example.com") != null);

    CliRun deny = sbx("policy", "deny", "dev", "**.pastebin.com");
    assertEquals(0, deny.exitCode(), deny.err());
    assertEquals("deny", rule(json(sbx("policy", "ls", "-o", "json")), "deny", "**.pastebin.com").get("decision")
        .asString());

    CliRun rm = sbx("policy", "rm", "dev", "api.example.com:443", "**.pastebin.com");
    assertEquals(0, rm.exitCode(), rm.err());
    JsonNode after = json(sbx("policy", "ls", "dev", "-o", "json"));
    assertNull(rule(after, "allow", "api.example.com:443"));
    assertNull(rule(after, "deny", "**.pastebin.com"));
    CliRun rmAgain = sbx("policy", "rm", "dev", "api.example.com:443");
    assertEquals(2, rmAgain.exitCode());
    assertTrue(rmAgain.err().contains("has no rule api.example.com:443"), rmAgain.err());

    CliRun def = sbx("policy", "set-default", "dev", "deny-all");
    assertEquals(0, def.exitCode(), def.err());
    JsonNode d = json(sbx("policy", "ls", "dev", "-o", "json")).get("sandboxes").get(0).get("default");
    assertEquals("deny-all", d.get("mode").asString());
    assertEquals("imperative", d.get("origin").asString());
    assertEquals(0, sbx("policy", "set-default", "dev", "allow").exitCode());
    assertEquals("allow-all", json(sbx("policy", "ls", "dev", "-o", "json")).get("sandboxes").get(0).get("default")
        .get("mode").asString());

    CliRun table = sbx("policy", "ls");
    assertTrue(table.out().lines().findFirst().orElseThrow().matches("SANDBOX\\s+DECISION\\s+RULE\\s+ORIGIN\\s+STATUS"),
        table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.matches("dev\\s+allow\\s+\\*\\.crates\\.io\\s+imperative.*active")),
        table.out());
  }

  @Test
  void badRulesModesAndSandboxesAreExitTwoWithOneLine() {
    assertEquals(0, sbx("create", "shell", workspace.toString(), "--name", "dev").exitCode());
    CliRun bad = sbx("policy", "allow", "dev", "*.com");
    assertEquals(2, bad.exitCode());
    assertEquals(1, bad.err().lines().count(), bad.err());
    assertTrue(bad.err().contains("*.com"), bad.err());
    CliRun mode = sbx("policy", "set-default", "dev", "sometimes");
    assertEquals(2, mode.exitCode());
    assertTrue(mode.err().contains("allow-all, balanced or deny-all"), mode.err());
    CliRun missing = sbx("policy", "allow", "nope", "example.com");
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("nope"), missing.err());
    assertEquals(2, sbx("policy", "ls", "nope").exitCode());
    assertEquals(2, sbx("policy", "log", "--since", "yesterday").exitCode());
  }

  @Test
  void rmOfACliSandboxDropsItsRules() {
    assertEquals(0, sbx("create", "shell", workspace.toString(), "--name", "dev").exitCode());
    assertEquals(0, sbx("rm", "dev").exitCode());
    assertTrue(vm.list().isEmpty());
    assertEquals(2, sbx("policy", "ls", "dev").exitCode(), "its rules went with it");
  }

  @Test
  void runCreatesThenExecsTheShellWithStdinThroughTheDaemon() {
    vm.onExec(req -> new dev.sbx.vm.api.ExecResult(dev.sbx.vm.api.ExitStatus.exited(4),
        "hi\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[0]));
    java.io.InputStream savedIn = System.in;
    CliRun run;
    try {
      System.setIn(new java.io.ByteArrayInputStream("echo hi\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      run = CliRun.withStdio("run", "shell", workspace.toString(), "--name", "dev", "--state-dir", state.toString());
    } finally {
      System.setIn(savedIn);
    }
    assertEquals(4, run.exitCode(), run.err());
    assertTrue(run.out().contains("hi"), run.out());
    assertTrue(vm.calls().containsAll(List.of("create dev", "start dev", "exec dev /bin/sh -l")), vm.calls().toString());
    assertEquals("cli", json(sbx("ls", "-o", "json")).get(0).get("managedBy").asString());
    vm.stop("dev");
    CliRun detached = sbx("run", "shell", workspace.toString(), "--name", "dev", "-d");
    assertEquals(0, detached.exitCode(), detached.err());
    assertEquals("RUNNING", vm.inspect("dev").orElseThrow().state().name(), "run starts a stopped sandbox");
  }

  @Test
  void policyAllowOnAnAppliedSandboxIsDriftThatApplyCorrects() {
    GitOpsDir dir = new GitOpsDir(tmp.resolve("gitops"));
    assertEquals(0, sbx("apply", "-f", dir.root.toString()).exitCode());
    assertEquals(0, sbx("diff", "-f", dir.root.toString(), "--exit-code").exitCode());

    CliRun allow = sbx("policy", "allow", "dev", "api.example.com");
    assertEquals(0, allow.exitCode(), allow.err());
    assertTrue(allow.err().contains("is managed by dir:"), allow.err());
    assertTrue(allow.err().contains("reverts it"), allow.err());

    JsonNode ls = json(sbx("policy", "ls", "dev", "-o", "json"));
    assertEquals("source", ls.get("sandboxes").get(0).get("managedBy").asString());
    assertEquals("drift", rule(ls, "allow", "api.example.com").get("status").asString());
    String origin = rule(ls, "allow", "api.github.com:443").get("origin").asString();
    assertTrue(origin.startsWith("policy team (") && origin.contains("policy-team.yaml:"), origin);

    CliRun diff = sbx("diff", "-f", dir.root.toString(), "--exit-code");
    assertEquals(1, diff.exitCode(), diff.out());
    assertTrue(diff.out().contains("~ sandbox dev"), diff.out());
    assertTrue(diff.out().contains("changed outside git: allow api.example.com added by sbx policy allow"), diff.out());
    JsonNode plan = JsonMapper.shared().readTree(sbx("diff", "-f", dir.root.toString(), "-o", "json").out());
    assertTrue(plan.get("warnings").toString().contains("added by sbx policy allow"), plan.toString());

    CliRun apply = sbx("apply", "-f", dir.root.toString());
    assertEquals(0, apply.exitCode(), apply.err());
    assertEquals(0, sbx("diff", "-f", dir.root.toString(), "--exit-code").exitCode());
    assertNull(rule(json(sbx("policy", "ls", "dev", "-o", "json")), "allow", "api.example.com"), "reverted");
  }

  @Test
  void withDriftWarnTheChangeIsReportedAndKept() {
    GitOpsDir dir = new GitOpsDir(tmp.resolve("gitops"));
    dir.write("sandbox-dev.yaml", "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: dev}\nspec:\n  agent: shell\n"
        + "  workspace: ./ws\n  policy: team\n  drift: warn\n");
    assertEquals(0, sbx("apply", "-f", dir.root.toString()).exitCode());
    CliRun allow = sbx("policy", "rm", "dev", "api.github.com:443");
    assertEquals(0, allow.exitCode(), allow.err());
    assertTrue(allow.err().contains("drift: warn"), allow.err());
    CliRun diff = sbx("diff", "-f", dir.root.toString(), "--exit-code");
    assertEquals(1, diff.exitCode(), diff.out());
    assertTrue(diff.out().contains("changed outside git: allow api.github.com:443 removed by sbx policy rm"), diff.out());
    assertEquals(0, sbx("apply", "-f", dir.root.toString()).exitCode());
    assertEquals("removed (drift)", rule(json(sbx("policy", "ls", "dev", "-o", "json")), "allow", "api.github.com:443")
        .get("status").asString(), "warn keeps the hand-made change");
    assertEquals(1, sbx("diff", "-f", dir.root.toString(), "--exit-code").exitCode(), "and keeps reporting it");
  }

  @Test
  void policyLogWithoutAProxyHasTheColumnsAndNoRows() {
    CliRun log = sbx("policy", "log");
    assertEquals(0, log.exitCode(), log.err());
    assertTrue(log.out().strip().matches("SANDBOX\\s+HOST\\s+PORT\\s+RULE\\s+DECISION\\s+COUNT\\s+LAST SEEN"), log.out());
    JsonNode json = json(sbx("policy", "log", "-o", "json"));
    assertEquals(0, json.get("rows").size());
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.actuator.memory.InMemoryWorld;
import dev.sbx.reconciler.controller.ControllerOptions;
import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.gitops.Await;
import dev.sbx.reconciler.source.Backoff;
import dev.sbx.reconciler.source.WebhookSignature;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The daemon as GitOps controller, through its real unix-socket API and the real CLI, with a real
 * git repository (bare, JGit, {@code file://}) and the in-memory world as actuators: a commit
 * converges, a policy commit is an in-place update (no VM stop or create), a new Sandbox is
 * created and a force-push back deletes it; an unreachable or corrupt repository keeps the last
 * good state and shows Stalled with the reason until it recovers; a webhook with a bad signature
 * is 401 and triggers nothing, a good one reconciles at once; suspend (source and sandbox) stops
 * reconciles; sources survive a daemon restart; status, events and metrics report it all.
 */
class DaemonGitOpsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private Path state;
  private GitOpsFleet fleet;
  private Daemon daemon;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws Exception {
    state = tmp.resolve("state");
    fleet = new GitOpsFleet(tmp);
    daemon = startDaemon();
  }

  private Daemon startDaemon() {
    ControllerOptions fast = ControllerOptions.defaults()
        .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 2, 0.2));
    return Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(log, true, StandardCharsets.UTF_8), null, fast);
  }

  @AfterEach
  void tearDown() {
    daemon.close();
    fleet.close();
  }

  private InMemoryWorld world() {
    return daemon.memoryWorld().orElseThrow();
  }

  private CliRun sbx(String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--state-dir", state.toString())).toArray(String[]::new);
    CliRun run = CliRun.of(all);
    assertFalse(run.hasStackTrace(), run.err());
    return run;
  }

  private JsonNode status() {
    CliRun run = sbx("status", "-o", "json");
    assertEquals(0, run.exitCode(), run.err());
    return JSON.readTree(run.out());
  }

  private JsonNode source(String name) {
    for (JsonNode s : status().get("sources")) {
      if (s.get("name").asString().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no source " + name + " in status");
  }

  private static JsonNode condition(JsonNode source, String type) {
    for (JsonNode c : source.get("conditions")) {
      if (c.get("type").asString().equals(type)) {
        return c;
      }
    }
    return null;
  }

  private void awaitApplied(String name, String revision) {
    Await.until(DEADLINE, () -> source(name).get("lastAppliedRevision").asString().equals(revision)
        && condition(source(name), "Ready").get("status").asString().equals("True"),
        () -> source(name).toString() + "\n" + log.toString(StandardCharsets.UTF_8));
  }

  private String addFleet(String... extra) {
    List<String> args = new ArrayList<>(List.of("source", "add", "git", "fleet", "--url", fleet.url(), "--ref",
        "main", "--path", "fleet", "--interval", "1h"));
    args.addAll(List.of(extra));
    CliRun add = sbx(args.toArray(String[]::new));
    assertEquals(0, add.exitCode(), add.err());
    return "git:" + fleet.url() + "#main//fleet";
  }

  private List<String> allow(String sandbox) {
    return world().rules(sandbox).orElseThrow().allow();
  }

  @Test
  void commitsConvergeLiveAddAndForcePushBack() throws Exception {
    String c1 = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("dev", "team").commit("dev");
    String id = addFleet();
    awaitApplied("fleet", c1);
    RuntimeSandbox dev = world().vm("dev").orElseThrow();
    assertEquals(VmState.RUNNING, dev.state());
    assertEquals(id, dev.owner(), "the source is the sandbox's owner");
    int creates = world().calls("runtime.create");
    int stops = world().calls("runtime.stop");

    // a policy commit reaches the running sandbox in place
    String c2 = fleet.policy("team", "deny-all", "api.github.com:443", "*.crates.io").commit("crates");
    CliRun reconcile = sbx("source", "reconcile", "fleet");
    assertEquals(0, reconcile.exitCode(), reconcile.err());
    assertTrue(reconcile.out().contains("Ready=True"), reconcile.out());
    assertEquals(c2, source("fleet").get("lastAppliedRevision").asString());
    assertTrue(allow("dev").contains("*.crates.io"), allow("dev").toString());
    assertEquals(creates, world().calls("runtime.create"), "no VM created");
    assertEquals(stops, world().calls("runtime.stop"), "no VM stopped: a live update");

    // a commit adding a Sandbox creates it
    String c3 = fleet.sandbox("extra", "team").commit("extra");
    assertEquals(0, sbx("source", "reconcile", "fleet").exitCode());
    assertEquals(c3, source("fleet").get("lastAppliedRevision").asString());
    assertEquals(VmState.RUNNING, world().vm("extra").orElseThrow().state());

    // a force-push back removes it again; dev stays as it was
    fleet.remote.forcePush(c2);
    assertEquals(0, sbx("source", "reconcile", "fleet").exitCode());
    assertEquals(c2, source("fleet").get("lastAppliedRevision").asString());
    assertTrue(world().vm("extra").isEmpty(), "pruned after the force-push");
    assertTrue(world().vm("dev").isPresent());

    JsonNode st = status();
    JsonNode src = st.get("sources").get(0);
    for (String field : List.of("name", "kind", "id", "url", "ref", "path", "interval", "suspended", "fetchedRevision",
        "lastAppliedRevision", "lastAttemptedRevision", "lastFetchedAt", "lastHandledAt", "conditions")) {
      assertTrue(src.has(field), field + " in " + src);
    }
    JsonNode sandbox = st.get("sandboxes").get(0);
    assertEquals("dev", sandbox.get("name").asString());
    assertEquals("fleet", sandbox.get("sourceName").asString());
    assertEquals(id, sandbox.get("source").asString());
    assertEquals("InSync", sandbox.get("sync").asString(), sandbox.toString());
    assertEquals("running", sandbox.get("vmState").asString());
    assertEquals(1, st.get("sandboxes").size(), "the pruned sandbox is not listed: " + st);

    // drift made by hand shows in status (what drifted), and the next pass corrects it
    world().putRules("dev", new dev.sbx.reconciler.desired.EgressSpec("deny-all", List.of("hand.example.com"),
        List.of()));
    JsonNode drifted = status().get("sandboxes").get(0);
    assertEquals("OutOfSync", drifted.get("sync").asString(), drifted.toString());
    assertTrue(drifted.get("drift").asBoolean(), drifted.toString());
    assertTrue(drifted.get("changes").toString().contains("hand.example.com"), drifted.toString());
    assertEquals(0, sbx("source", "reconcile", "fleet").exitCode());
    assertTrue(allow("dev").contains("*.crates.io") && !allow("dev").contains("hand.example.com"));

    CliRun table = sbx("status");
    assertTrue(table.out().contains("fleet") && table.out().contains("True"), table.out());
    CliRun yaml = sbx("status", "-o", "yaml");
    assertTrue(yaml.out().contains("lastAppliedRevision: " + c2), yaml.out());
    CliRun ls = sbx("source", "ls");
    assertTrue(ls.out().contains("fleet") && ls.out().contains("git"), ls.out());
  }

  @Test
  void unreachableAndCorruptRepositoriesKeepTheLastGoodStateAndStallUntilRecovery() throws Exception {
    String c1 = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("dev", "team").commit("dev");
    addFleet();
    awaitApplied("fleet", c1);
    String world = world().snapshot();

    Path moved = tmp.resolve("moved.git");
    Files.move(fleet.remote.bare, moved);
    CliRun failed = sbx("source", "reconcile", "fleet");
    assertEquals(3, failed.exitCode(), failed.out() + failed.err());
    JsonNode stalled = condition(source("fleet"), "Stalled");
    assertEquals("True", stalled.get("status").asString());
    assertEquals("FetchFailed", stalled.get("reason").asString());
    assertTrue(stalled.get("message").asString().contains("keeping revision " + c1), stalled.toString());
    assertEquals("False", condition(source("fleet"), "Ready").get("status").asString());
    assertEquals(world, world().snapshot(), "nothing changed");
    assertTrue(sbx("status").out().contains("Stalled=True FetchFailed"), sbx("status").out());

    Files.move(moved, fleet.remote.bare);
    assertEquals(0, sbx("source", "reconcile", "fleet").exitCode());
    assertEquals(null, condition(source("fleet"), "Stalled"), "recovery clears Stalled");

    // corrupt: the new commit's objects are garbage
    Path backup = tmp.resolve("backup.git");
    copyTree(fleet.remote.bare, backup);
    fleet.policy("team", "deny-all", "example.com:443").commit("change");
    try (var objects = Files.walk(fleet.remote.bare.resolve("objects"))) {
      for (Path p : objects.filter(Files::isRegularFile).toList()) {
        p.toFile().setWritable(true);
        Files.write(p, new byte[] {0, 1, 2});
      }
    }
    assertEquals(3, sbx("source", "reconcile", "fleet").exitCode());
    assertEquals("True", condition(source("fleet"), "Stalled").get("status").asString());
    assertEquals(world, world().snapshot(), "nothing changed from a corrupt repository");
    assertEquals(c1, source("fleet").get("lastAppliedRevision").asString());

    deleteTree(fleet.remote.bare);
    copyTree(backup, fleet.remote.bare);
    assertEquals(0, sbx("source", "reconcile", "fleet").exitCode());
    assertEquals(null, condition(source("fleet"), "Stalled"));
    assertEquals(c1, source("fleet").get("lastAppliedRevision").asString());

    String metrics = new ApiClient(Daemon.socket(state)).text("GET", "/metrics").body();
    assertTrue(metrics.contains("sbx_source_fetch_errors_total{source=\"fleet\",reason=\"FetchFailed\"} "), metrics);
    assertTrue(metrics.contains("sbx_reconcile_total{source=\"fleet\",result=\"success\"} "), metrics);
    assertTrue(metrics.contains("sbx_reconcile_duration_seconds_bucket{source=\"fleet\",le=\"+Inf\"} "), metrics);
    assertTrue(metrics.contains("sbx_controller_queue_depth "), metrics);
    assertTrue(metrics.contains("sbx_sandboxes{state="), metrics);
  }

  @Test
  void badWebhookSignatureIs401AndChangesNothingAGoodOneReconcilesAtOnce() throws Exception {
    CliRun secret = CliRun.run("hook-secret-1\n", "secret", "set", "-g", "fleet-hook", "--state-dir", state.toString());
    assertEquals(0, secret.exitCode(), secret.err());
    String c1 = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("dev", "team").commit("dev");
    String id = addFleet("--webhook-secret-from", "fleet-hook");
    awaitApplied("fleet", c1);

    String c2 = fleet.policy("team", "deny-all", "api.github.com:443", "*.crates.io").commit("crates");
    byte[] push = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + c2 + "\",\"repository\":{\"clone_url\":\""
        + fleet.url() + "\"}}").getBytes(StandardCharsets.UTF_8);
    ApiClient api = new ApiClient(Daemon.socket(state));
    String good = new WebhookSignature("hook-secret-1".getBytes(StandardCharsets.UTF_8)).sign(push);
    String bad = new WebhookSignature("not-the-secret".getBytes(StandardCharsets.UTF_8)).sign(push);

    for (String signature : new String[] {bad, "sha256=00", null}) {
      Map<String, String> headers = new java.util.HashMap<>(Map.of("X-GitHub-Event", "push"));
      if (signature != null) {
        headers.put("X-Hub-Signature-256", signature);
      }
      ApiClient.Reply r = api.call("POST", "/v1/hooks/git/fleet", headers, push);
      assertEquals(401, r.status(), r.body().toString());
    }
    assertEquals(c1, source("fleet").get("lastAppliedRevision").asString());
    assertFalse(events().stream().anyMatch(e -> e.path("why").asString("").equals("webhook")),
        "a bad signature triggered nothing");
    assertFalse(allow("dev").contains("*.crates.io"));

    ApiClient.Reply ok = api.call("POST", "/v1/hooks/git/fleet",
        Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", good), push);
    assertEquals(202, ok.status(), ok.body().toString());
    assertEquals(id, ok.body().get("triggered").get(0).asString());
    awaitApplied("fleet", c2); // the poll interval is an hour: only the webhook can have done it
    assertTrue(allow("dev").contains("*.crates.io"));
    assertTrue(events().stream().anyMatch(e -> e.path("why").asString("").equals("webhook")));

    // a push to another branch is accepted and triggers nothing; an unknown source is 404
    byte[] other = new String(push, StandardCharsets.UTF_8).replace("refs/heads/main", "refs/heads/dev")
        .getBytes(StandardCharsets.UTF_8);
    ApiClient.Reply none = api.call("POST", "/v1/hooks/git/fleet", Map.of("X-GitHub-Event", "push",
        "X-Hub-Signature-256", new WebhookSignature("hook-secret-1".getBytes(StandardCharsets.UTF_8)).sign(other)), other);
    assertEquals(202, none.status());
    assertEquals(0, none.body().get("triggered").size());
    assertEquals(404, api.call("POST", "/v1/hooks/git/nope", Map.of(), push).status());
    assertFalse(log.toString(StandardCharsets.UTF_8).contains("hook-secret-1"), "the secret is never logged");
  }

  private List<JsonNode> events() {
    CliRun run = sbx("events", "--no-follow", "--since", "1h", "-o", "json");
    assertEquals(0, run.exitCode(), run.err());
    List<JsonNode> out = new ArrayList<>();
    run.out().lines().filter(l -> !l.isBlank()).forEach(l -> out.add(JSON.readTree(l)));
    return out;
  }

  @Test
  void suspendStopsReconcilesOfASourceAndOfASandbox() throws Exception {
    String c1 = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("dev", "team")
        .sandbox("other", "team").commit("two");
    addFleet();
    awaitApplied("fleet", c1);

    assertEquals(0, sbx("source", "suspend", "fleet").exitCode());
    String c2 = fleet.policy("team", "deny-all", "api.github.com:443", "*.crates.io").commit("crates");
    CliRun refused = sbx("source", "reconcile", "fleet");
    assertEquals(2, refused.exitCode(), refused.out());
    assertTrue(refused.err().contains("suspended"), refused.err());
    assertTrue(source("fleet").get("suspended").asBoolean());
    assertEquals(c1, source("fleet").get("lastAppliedRevision").asString());
    assertFalse(allow("dev").contains("*.crates.io"));

    // suspended sandboxes are left alone while the rest of the source follows
    assertEquals(0, sbx("suspend", "other").exitCode());
    assertEquals(0, sbx("source", "resume", "fleet").exitCode());
    awaitApplied("fleet", c2);
    assertTrue(allow("dev").contains("*.crates.io"));
    assertFalse(allow("other").contains("*.crates.io"), "a suspended sandbox is not updated");

    // both survive a daemon restart (STATE/sources.json). A memory daemon starts with an empty
    // world: the source puts dev back, the suspended sandbox is left as it is (absent)
    daemon.close();
    daemon = startDaemon();
    Await.until(DEADLINE, () -> world().vm("dev").isPresent(), () -> world().snapshot());
    awaitApplied("fleet", c2);
    assertTrue(world().vm("other").isEmpty(), "a suspended sandbox is not recreated either");
    JsonNode other = null;
    for (JsonNode s : status().get("sandboxes")) {
      if (s.get("name").asString().equals("other")) {
        other = s;
      }
    }
    assertTrue(other != null && other.get("suspended").asBoolean(), String.valueOf(other));
    assertEquals(0, sbx("resume", "other").exitCode());
    Await.until(DEADLINE, () -> world().rules("other").map(r -> r.allow().contains("*.crates.io")).orElse(false),
        () -> world().snapshot());
  }

  @Test
  void aDirectorySourceFollowsEditsAndEventsStreamLive() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("local"));
    Path ws = Files.createDirectories(tmp.resolve("ws-local"));
    Files.writeString(dir.resolve("policy.yaml"), "apiVersion: sbx/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
        + "spec:\n  default: deny-all\n  allow: [\"api.github.com:443\"]\n");
    Files.writeString(dir.resolve("sandbox.yaml"), "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: local}\n"
        + "spec:\n  agent: shell\n  workspace: " + ws + "\n  policy: p\n");

    List<String> lines = new CopyOnWriteArrayList<>();
    ApiClient api = new ApiClient(Daemon.socket(state));
    CompletableFuture<Integer> stream = CompletableFuture.supplyAsync(() -> {
      try {
        return api.stream("/v1/events", line -> {
          if (!line.isBlank()) {
            lines.add(line);
          }
          return !(line.contains("\"Reconciled\"") && line.contains("\"sourceName\":\"local\""));
        });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    CliRun add = sbx("source", "add", "dir", "local", "--path", dir.toString());
    assertEquals(0, add.exitCode(), add.err());
    assertEquals(200, stream.get(30, TimeUnit.SECONDS));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"Fetched\"")), lines.toString());
    Await.until(DEADLINE, () -> world().vm("local").isPresent(), () -> world().snapshot());

    Files.writeString(dir.resolve("policy.yaml"), "apiVersion: sbx/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
        + "spec:\n  default: deny-all\n  allow: [\"api.github.com:443\", \"crates.io:443\"]\n");
    Await.until(DEADLINE, () -> allow("local").contains("crates.io:443"), () -> world().snapshot());
    assertEquals(1, world().calls("runtime.create"), "edited in place");

    CliRun rm = sbx("source", "rm", "local", "--prune");
    assertEquals(0, rm.exitCode(), rm.err());
    assertTrue(rm.out().contains("deleted sandbox local"), rm.out());
    assertTrue(world().vm("local").isEmpty());
    assertEquals(0, status().get("sources").size());
    assertEquals(2, sbx("source", "rm", "local").exitCode(), "unknown source: exit 2");
  }

  @Test
  void daemonShorthandsAddWatchAndGitSources() throws Exception {
    String c1 = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("dev", "team").commit("dev");
    Path dir = Files.createDirectories(tmp.resolve("watched"));
    CliRun run = sbx("daemon", "--watch", dir.toString(), "--git", fleet.url());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode watch = source("watch");
    assertEquals("dir", watch.get("kind").asString());
    assertEquals(dir.toString(), watch.get("path").asString());
    JsonNode git = source("git");
    assertEquals(fleet.url(), git.get("url").asString());
    assertEquals("main", git.get("ref").asString());
    assertEquals("1m", git.get("interval").asString());
    Await.until(DEADLINE, () -> source("git").get("fetchedRevision").asString().equals(c1),
        () -> source("git").toString());
  }

  @Test
  void aDamagedSourcesFileStopsTheDaemonWithOneMessage() throws Exception {
    daemon.close();
    Files.writeString(state.resolve("sources.json"), "{\"sources\":[{\"name\":\"x\"}]}");
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.sbx.reconciler.daemon.DaemonException.class,
        this::startDaemon);
    assertEquals(5, e.exitCode());
    assertTrue(e.getMessage().contains("sources.json"), e.getMessage());
    Files.delete(state.resolve("sources.json"));
    daemon = startDaemon(); // the lock was released
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  static void deleteTree(Path root) throws Exception {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package dev.sbx.cli;

import dev.sbx.reconciler.bench.GitOpsLatencyBench;
import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.source.WebhookSignature;
import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Commit-to-converged latency through the real daemon: {@code sbx daemon --memory} runs as its
 * own process (started as the CLI starts it), with the real desired-state compiler (load, merge,
 * compile of Sandbox and NetworkPolicy YAML), the controller, the state directory and in-memory
 * actuators. A live change (one more egress allow entry) is made through: a webhook ({@code POST
 * /v1/hooks/git/NAME}, signed, over the unix socket) after a push; polling at a given interval; a
 * local directory edit. The clock starts when the push (or file write) returned and stops when the
 * daemon's event stream ({@code GET /v1/events}) delivers the {@code Reconciled} event of that
 * revision (directory: the next one with an update).
 *
 * <p>Usage: {@code bench/gitops-daemon-latency.sh [ITERATIONS] [POLL_INTERVAL_MS]}
 */
public final class DaemonGitOpsLatencyBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOOK_KEY = "bench-webhook-key";

  private DaemonGitOpsLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    long pollMillis = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    Path root = Files.createTempDirectory("sbx-daemon-gitops-bench");
    Path state = root.resolve("state");
    Files.createDirectories(state);
    try (SecretValue v = SecretValue.ofUtf8(HOOK_KEY.getBytes(StandardCharsets.UTF_8))) {
      Secrets.open(state.resolve("secrets")).setService(Scope.global(), "bench-hook", v);
    }
    ApiClient api = DaemonLauncher.connect(state, true);
    long daemonPid = Long.parseLong(Files.readString(state.resolve("daemon.pid")).strip());
    System.out.printf("iterations %d, poll interval %d ms, daemon pid %d (--memory), JDK %s%n", iterations,
        pollMillis, daemonPid, Runtime.version());
    BlockingQueue<JsonNode> reconciled = new LinkedBlockingQueue<>();
    Thread events = new Thread(() -> {
      try {
        api.stream("/v1/events", line -> {
          if (line.contains("\"type\":\"Reconciled\"")) {
            JsonNode e = JSON.readTree(line);
            reconciled.add(e);
          }
          return true;
        });
      } catch (Exception e) {
        // the daemon stopped
      }
    }, "bench-events");
    events.setDaemon(true);
    events.start();
    try {
      webhook(api, root.resolve("webhook"), iterations, reconciled);
      polling(api, root.resolve("poll"), iterations, pollMillis, reconciled);
      directory(api, root.resolve("dir"), iterations, reconciled);
    } finally {
      api.call("POST", "/v1/shutdown", "{}");
    }
  }

  private static void webhook(ApiClient api, Path dir, int iterations, BlockingQueue<JsonNode> reconciled)
      throws Exception {
    GitOpsFleet fleet = new GitOpsFleet(dir);
    String rev = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("dev", "team").commit("dev");
    add(api, Map.of("name", "hook", "kind", "git", "url", fleet.url(), "subdirectory", "fleet", "interval", "1h",
        "webhookSecret", "bench-hook"));
    await(reconciled, "hook", rev);
    WebhookSignature signature = new WebhookSignature(HOOK_KEY.getBytes(StandardCharsets.UTF_8));
    List<Long> latency = new ArrayList<>();
    List<Long> push = new ArrayList<>();
    List<Long> pass = new ArrayList<>();
    for (int i = 0; i < iterations + 3; i++) {
      long p0 = System.nanoTime();
      String commit = fleet.policy("team", "deny-all", "api.github.com:443", "h" + i + ".example.com:443")
          .commit("allow " + i);
      long t0 = System.nanoTime();
      byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\",\"repository\":{\"clone_url\":\""
          + fleet.url() + "\"}}").getBytes(StandardCharsets.UTF_8);
      ApiClient.Reply r = api.call("POST", "/v1/hooks/git/hook", Map.of("X-GitHub-Event", "push",
          "X-Hub-Signature-256", signature.sign(body)), body);
      if (r.status() != 202) {
        throw new IllegalStateException("webhook answered " + r.status() + ": " + r.body());
      }
      JsonNode done = await(reconciled, "hook", commit);
      if (i >= 3) { // warm-up dropped
        latency.add(System.nanoTime() - t0);
        push.add(t0 - p0);
        pass.add((long) (done.path("durationSeconds").asDouble() * 1e9));
      }
    }
    GitOpsLatencyBench.report("daemon webhook: signed POST /v1/hooks/git -> fetch -> compile -> apply", latency);
    GitOpsLatencyBench.report("(of which the controller's pass: fetch, compile, observe, diff, apply)", pass);
    GitOpsLatencyBench.report("(commit + push to the bare repository, for reference)", push);
    fleet.close();
  }

  private static void polling(ApiClient api, Path dir, int iterations, long pollMillis,
      BlockingQueue<JsonNode> reconciled) throws Exception {
    GitOpsFleet fleet = new GitOpsFleet(dir);
    String rev = fleet.policy("team", "deny-all", "api.github.com:443").sandbox("polled", "team").commit("polled");
    add(api, Map.of("name", "poll", "kind", "git", "url", fleet.url(), "subdirectory", "fleet", "interval",
        pollMillis + "ms"));
    await(reconciled, "poll", rev);
    List<Long> latency = new ArrayList<>();
    for (int i = 0; i < iterations; i++) {
      String commit = fleet.policy("team", "deny-all", "api.github.com:443", "p" + i + ".example.com:443")
          .commit("allow " + i);
      long t0 = System.nanoTime();
      await(reconciled, "poll", commit);
      latency.add(System.nanoTime() - t0);
    }
    GitOpsLatencyBench.report("daemon polling, interval " + pollMillis + " ms +-10 % jitter", latency);
    api.call("DELETE", "/v1/sources/poll", "");
    fleet.close();
  }

  private static void directory(ApiClient api, Path dir, int iterations, BlockingQueue<JsonNode> reconciled)
      throws Exception {
    Path gitops = Files.createDirectories(dir.resolve("gitops"));
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Files.writeString(gitops.resolve("sandbox.yaml"), "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: local}\n"
        + "spec:\n  agent: shell\n  workspace: " + ws + "\n  policy: p\n");
    writePolicy(gitops, "api.github.com:443");
    add(api, Map.of("name", "local", "kind", "dir", "path", gitops.toString()));
    awaitAny(reconciled, "local");
    List<Long> latency = new ArrayList<>();
    for (int i = 0; i < iterations + 3; i++) {
      reconciled.removeIf(e -> e.path("sourceName").asString("").equals("local"));
      writePolicy(gitops, "d" + i + ".example.com:443");
      long t0 = System.nanoTime();
      JsonNode e = awaitAny(reconciled, "local");
      while (e.path("changes").path("update").asInt(0) == 0) { // a resync pass with nothing new
        e = awaitAny(reconciled, "local");
      }
      if (i >= 3) {
        latency.add(System.nanoTime() - t0);
      }
    }
    GitOpsLatencyBench.report("daemon directory edit: watcher, 200 ms debounce -> compile -> apply", latency);
  }

  private static void writePolicy(Path gitops, String allow) throws Exception {
    Path tmp = gitops.resolve(".policy.yaml.tmp");
    Files.writeString(tmp, "apiVersion: sbx/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
        + "spec:\n  default: deny-all\n  allow: [\"" + allow + "\"]\n");
    Files.move(tmp, gitops.resolve("policy.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static void add(ApiClient api, Map<String, String> source) throws Exception {
    ApiClient.Reply r = api.call("POST", "/v1/sources", JSON.writeValueAsString(source));
    if (r.status() != 200) {
      throw new IllegalStateException("adding " + source + ": " + r.status() + " " + r.body());
    }
  }

  private static JsonNode await(BlockingQueue<JsonNode> reconciled, String source, String revision)
      throws InterruptedException {
    while (true) {
      JsonNode e = awaitAny(reconciled, source);
      if (e.path("revision").asString("").equals(revision)) {
        return e;
      }
    }
  }

  private static JsonNode awaitAny(BlockingQueue<JsonNode> reconciled, String source) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      JsonNode e = reconciled.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && e.path("sourceName").asString("").equals(source)) {
        return e;
      }
    }
    throw new IllegalStateException("no Reconciled event of " + source + " within 60 s");
  }
}

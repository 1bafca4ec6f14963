package dev.sbx.reconciler.bench;

import dev.sbx.reconciler.Reconciler;
import dev.sbx.reconciler.actuator.memory.InMemoryWorld;
import dev.sbx.reconciler.apply.ApplyOptions;
import dev.sbx.reconciler.apply.RetryPolicy;
import dev.sbx.reconciler.controller.Controller;
import dev.sbx.reconciler.controller.ControllerListener;
import dev.sbx.reconciler.controller.ControllerOptions;
import dev.sbx.reconciler.gitops.GitRemote;
import dev.sbx.reconciler.gitops.PropertiesCompiler;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.source.Backoff;
import dev.sbx.reconciler.source.DirectorySource;
import dev.sbx.reconciler.source.GitCredentials;
import dev.sbx.reconciler.source.GitRef;
import dev.sbx.reconciler.source.GitSource;
import dev.sbx.reconciler.source.GitSourceSpec;
import dev.sbx.reconciler.source.Source;
import dev.sbx.reconciler.source.WebhookReceiver;
import dev.sbx.reconciler.source.WebhookSignature;
import dev.sbx.reconciler.state.StateDirectory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Commit-to-converged latency of the GitOps loop against the in-memory world (no VM: this measures
 * source, controller, compile and reconcile, not the runtime): a live change (one egress allow
 * entry) through the webhook path, through polling at a given interval, and through a local
 * directory edit (watcher, 200 ms debounce). The clock starts when the commit is on the remote
 * (after the push; the push time is printed apart) or when the file write returns, and stops when
 * the in-memory world enforces the new rule.
 *
 * <p>Usage: {@code bench/gitops-latency.sh [ITERATIONS] [POLL_INTERVAL_MS]}
 */
public final class GitOpsLatencyBench {
  private GitOpsLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    long pollMillis = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    Path root = Files.createTempDirectory("sbx-gitops-bench");
    System.out.printf("iterations %d, poll interval %d ms, in-memory world, JDK %s%n", iterations, pollMillis,
        Runtime.version());
    webhook(root.resolve("webhook"), iterations);
    polling(root.resolve("poll"), iterations, pollMillis);
    directory(root.resolve("dir"), iterations);
  }

  /** A controller over a fresh in-memory world. */
  record Loop(InMemoryWorld world, Controller controller) implements AutoCloseable {
    static Loop start(Path state, Source source) {
      InMemoryWorld world = new InMemoryWorld();
      Reconciler reconciler = new Reconciler(world.actuators(), new StateDirectory(state, Clock.systemUTC()), e -> {});
      ControllerOptions options = ControllerOptions.defaults()
          .withApply(new ApplyOptions("bench", Duration.ofSeconds(10), RetryPolicy.none()));
      Controller c = new Controller(reconciler, new PropertiesCompiler(), options, ControllerListener.NONE,
          Clock.systemUTC());
      c.add(source);
      c.start();
      return new Loop(world, c);
    }

    /** Nanoseconds from {@code startNanos} until the world allows {@code host}. */
    long awaitAllow(String host, long startNanos) throws InterruptedException {
      long deadline = startNanos + Duration.ofSeconds(60).toNanos();
      while (true) {
        var rules = world.rules("web");
        if (rules.isPresent() && rules.get().allow().contains(host)) {
          return System.nanoTime() - startNanos;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not converged within 60 s: " + host);
        }
        Thread.onSpinWait();
        Thread.sleep(0, 200_000);
      }
    }

    @Override
    public void close() {
      controller.close();
    }
  }

  static GitSource gitSource(GitRemote remote, Path work, Duration interval) {
    return new GitSource(new GitSourceSpec(remote.url(), GitRef.branch("main"), "gitops", interval,
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0.2), work, Duration.ofSeconds(20)),
        GitCredentials.NONE, Clock.systemUTC(), new SplittableRandom());
  }

  static void webhook(Path dir, int iterations) throws Exception {
    try (GitRemote remote = new GitRemote(dir.resolve("git"))) {
      remote.write("gitops/sandboxes/web.properties", "allow=h0.example.com:443\n").commitAndPush("init");
      GitSource source = gitSource(remote, dir.resolve("work"), Duration.ofHours(1));
      WebhookSignature sig = new WebhookSignature("bench".getBytes(StandardCharsets.UTF_8));
      try (Loop loop = Loop.start(dir.resolve("state"), source);
          WebhookReceiver receiver = WebhookReceiver.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              sig, 64 * 1024, loop.controller()::trigger)) {
        loop.awaitAllow("h0.example.com:443", System.nanoTime());
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + receiver.port() + WebhookReceiver.PATH);
        List<Long> latencies = new ArrayList<>();
        List<Long> pushes = new ArrayList<>();
        for (int i = 1; i <= iterations + 3; i++) {
          String host = "h" + i + ".example.com:443";
          long p0 = System.nanoTime();
          String commit = remote.write("gitops/sandboxes/web.properties", "allow=" + host + "\n").commitAndPush("c" + i);
          long start = System.nanoTime();
          String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\",\"repository\":{\"clone_url\":\""
              + remote.url() + "\"}}";
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
              .header("X-Hub-Signature-256", sig.sign(body.getBytes(StandardCharsets.UTF_8)))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 202) {
            throw new IllegalStateException("webhook answered " + r.statusCode());
          }
          long took = loop.awaitAllow(host, start);
          if (i > 3) { // the first rounds warm the JIT
            latencies.add(took);
            pushes.add(start - p0);
          }
        }
        report("webhook (push on remote → HTTP POST → fetch → apply)", latencies);
        report("  for reference: commit + push to the bare repository", pushes);
      }
    }
  }

  static void polling(Path dir, int iterations, long pollMillis) throws Exception {
    try (GitRemote remote = new GitRemote(dir.resolve("git"))) {
      remote.write("gitops/sandboxes/web.properties", "allow=h0.example.com:443\n").commitAndPush("init");
      GitSource source = gitSource(remote, dir.resolve("work"), Duration.ofMillis(pollMillis));
      try (Loop loop = Loop.start(dir.resolve("state"), source)) {
        loop.awaitAllow("h0.example.com:443", System.nanoTime());
        List<Long> latencies = new ArrayList<>();
        for (int i = 1; i <= iterations; i++) {
          String host = "h" + i + ".example.com:443";
          remote.write("gitops/sandboxes/web.properties", "allow=" + host + "\n").commitAndPush("c" + i);
          latencies.add(loop.awaitAllow(host, System.nanoTime()));
        }
        report("polling every " + pollMillis + " ms ±10 % (push on remote → next poll → apply)", latencies);
      }
    }
  }

  static void directory(Path dir, int iterations) throws Exception {
    Path gitops = Files.createDirectories(dir.resolve("gitops/sandboxes")).getParent();
    Files.writeString(gitops.resolve("sandboxes/web.properties"), "allow=h0.example.com:443\n");
    try (Loop loop = Loop.start(dir.resolve("state"), DirectorySource.of(gitops))) {
      loop.awaitAllow("h0.example.com:443", System.nanoTime());
      List<Long> latencies = new ArrayList<>();
      for (int i = 1; i <= iterations + 3; i++) {
        String host = "h" + i + ".example.com:443";
        Files.writeString(gitops.resolve("sandboxes/web.properties"), "allow=" + host + "\n");
        long took = loop.awaitAllow(host, System.nanoTime());
        if (i > 3) {
          latencies.add(took);
        }
      }
      report("directory edit (watcher, 200 ms debounce → apply)", latencies);
    }
  }

  public static void report(String what, List<Long> nanos) {
    List<Long> s = new ArrayList<>(nanos);
    Collections.sort(s);
    System.out.printf("%-75s n=%d  median %7.1f ms  p90 %7.1f ms  max %7.1f ms%n", what, s.size(),
        ms(s.get(s.size() / 2)), ms(s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.9) - 1))),
        ms(s.get(s.size() - 1)));
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }
}

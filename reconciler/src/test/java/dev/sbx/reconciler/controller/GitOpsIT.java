package dev.sbx.reconciler.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.gitops.Await;
import dev.sbx.reconciler.gitops.GitRemote;
import dev.sbx.reconciler.source.Backoff;
import dev.sbx.reconciler.source.GitCredentials;
import dev.sbx.reconciler.source.GitRef;
import dev.sbx.reconciler.source.GitSource;
import dev.sbx.reconciler.source.GitSourceSpec;
import dev.sbx.reconciler.source.WebhookReceiver;
import dev.sbx.reconciler.source.WebhookSignature;
import dev.sbx.reconciler.status.Condition;
import dev.sbx.reconciler.status.SandboxStatus;
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
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance tests of the GitOps loop: a real bare git repository (JGit, file:// URL), the
 * controller, the in-memory world (fast; the real actuators are tested in their modules) and the
 * test compiler ({@code sandboxes/NAME.properties} → a desired sandbox).
 */
class GitOpsIT {
  @TempDir Path tmp;
  GitRemote remote;
  ControllerFixture f;

  @BeforeEach
  void setUp() throws Exception {
    remote = new GitRemote(tmp.resolve("git"));
    f = new ControllerFixture(tmp.resolve("state"));
  }

  @AfterEach
  void tearDown() {
    f.close();
    remote.close();
  }

  GitSource gitSource(Duration interval) {
    GitSourceSpec spec = new GitSourceSpec(remote.url(), GitRef.branch("main"), "gitops", interval,
        new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), 2, 0), tmp.resolve("work"), Duration.ofSeconds(20));
    return new GitSource(spec, GitCredentials.NONE, Clock.systemUTC(), new SplittableRandom(7));
  }

  String start(GitSource source) {
    f.controller.add(source);
    f.controller.start();
    return source.id();
  }

  void awaitApplied(String id, String revision) {
    f.awaitSource(id, s -> s.lastAppliedRevision().equals(revision) && s.ready() && !s.stalled(),
        "revision " + revision + " applied and Ready");
  }

  @Test
  void policyCommitUpdatesInPlaceAddCreatesForcePushUndoes() throws Exception {
    String c1 = remote.write("gitops/sandboxes/web.properties", "allow=api.github.com:443\n").commitAndPush("web");
    String id = start(gitSource(Duration.ofHours(1)));
    awaitApplied(id, c1);
    assertEquals(VmState.RUNNING, f.world.vm("web").orElseThrow().state());

    String c2 = remote.write("gitops/sandboxes/web.properties", "allow=api.github.com:443,crates.io:443\n")
        .commitAndPush("allow crates.io");
    f.controller.trigger(id);
    awaitApplied(id, c2);
    assertEquals(List.of("api.github.com:443", "crates.io:443"), f.world.rules("web").orElseThrow().allow());
    assertEquals(1, f.world.calls("runtime.create"), "a policy change is applied in place");
    assertEquals(0, f.world.calls("runtime.destroy"));
    assertEquals(0, f.world.calls("runtime.stop"), "no VM restart");
    assertEquals(SandboxStatus.State.UPDATED, f.controller.status().sandbox("web").orElseThrow().state());

    String c3 = remote.write("gitops/sandboxes/api.properties", "allow=example.com:443\n").commitAndPush("add api");
    f.controller.trigger(id);
    awaitApplied(id, c3);
    assertEquals(VmState.RUNNING, f.world.vm("api").orElseThrow().state());

    remote.forcePush(c2);
    f.controller.trigger(id);
    awaitApplied(id, c2);
    assertTrue(f.world.vm("api").isEmpty(), "the force-push back removed the sandbox it had added");
    assertTrue(f.world.vm("web").isPresent());
    assertEquals(SandboxStatus.State.DELETED, f.controller.status().sandbox("api").orElseThrow().state());
  }

  @Test
  void unreachableOrCorruptRepositoryKeepsLastGoodStateAndStallsUntilRecovery() throws Exception {
    String c1 = remote.write("gitops/sandboxes/web.properties", "allow=api.github.com:443\n").commitAndPush("web");
    String id = start(gitSource(Duration.ofHours(1)));
    awaitApplied(id, c1);
    String world = f.world.snapshot();

    Path moved = tmp.resolve("moved.git");
    Files.move(remote.bare, moved);
    f.controller.trigger(id);
    f.awaitSource(id, s -> s.stalled(), "Stalled after the repository went away");
    Condition stalled = f.status(id).condition(Condition.STALLED).orElseThrow();
    assertEquals("FetchFailed", stalled.reason());
    assertTrue(stalled.message().contains("keeping revision " + c1), stalled.message());
    assertEquals("FetchFailed", f.status(id).condition(Condition.READY).orElseThrow().reason());
    assertEquals(c1, f.status(id).lastAppliedRevision());
    assertEquals(world, f.world.snapshot(), "nothing pruned or changed");

    Files.move(moved, remote.bare);
    awaitApplied(id, c1); // the backoff retry recovers by itself
    assertTrue(f.status(id).condition(Condition.STALLED).isEmpty(), "recovery clears Stalled");

    // corrupt: the new commit's objects are garbage
    Path backup = tmp.resolve("backup.git");
    copyTree(remote.bare, backup);
    remote.write("gitops/sandboxes/web.properties", "allow=example.com:443\n").commitAndPush("change");
    try (var objects = Files.walk(remote.bare.resolve("objects"))) {
      for (Path p : objects.filter(Files::isRegularFile).toList()) {
        p.toFile().setWritable(true);
        Files.write(p, new byte[] {0, 1, 2});
      }
    }
    f.controller.trigger(id);
    f.awaitSource(id, s -> s.stalled(), "Stalled on a corrupt repository");
    assertEquals(world, f.world.snapshot(), "nothing changed from a corrupt repository");
    assertEquals(c1, f.status(id).lastAppliedRevision());

    deleteTree(remote.bare);
    copyTree(backup, remote.bare);
    awaitApplied(id, c1);
    assertFalse(f.status(id).stalled());
  }

  @Test
  void aFileThatFailsToLoadNeverPrunesAndAnInvalidOneStallsTheBuild() throws Exception {
    remote.write("gitops/sandboxes/web.properties", "allow=a.example.com:443\n");
    String c1 = remote.write("gitops/sandboxes/api.properties", "allow=b.example.com:443\n").commitAndPush("two");
    String id = start(gitSource(Duration.ofHours(1)));
    awaitApplied(id, c1);

    String c2 = remote.write("gitops/sandboxes/api.properties", "broken=true\n").commitAndPush("api breaks");
    f.controller.trigger(id);
    f.awaitSource(id, s -> s.lastAttemptedRevision().equals(c2) && !s.ready(), "partial load reported");
    assertEquals("PartialLoad", f.status(id).condition(Condition.READY).orElseThrow().reason());
    assertTrue(f.world.vm("api").isPresent(), "a sandbox whose file failed to load is not pruned");

    String c3 = remote.write("gitops/sandboxes/web.properties", "invalid=true\n").commitAndPush("web invalid");
    f.controller.trigger(id);
    f.awaitSource(id, s -> s.lastAttemptedRevision().equals(c3) && s.stalled(), "build failure stalls");
    assertEquals("BuildFailed", f.status(id).condition(Condition.STALLED).orElseThrow().reason());
    assertTrue(f.world.vm("web").isPresent() && f.world.vm("api").isPresent());
  }

  @Test
  void webhookWithBadSignatureIs401AndChangesNothingAGoodOneReconcilesAtOnce() throws Exception {
    String c1 = remote.write("gitops/sandboxes/web.properties", "allow=api.github.com:443\n").commitAndPush("web");
    String id = start(gitSource(Duration.ofHours(1))); // no polling during the test
    awaitApplied(id, c1);
    WebhookSignature signature = new WebhookSignature("hook-secret".getBytes(StandardCharsets.UTF_8));
    try (WebhookReceiver receiver = WebhookReceiver.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), signature, 64 * 1024, f.controller::trigger)) {
      String c2 = remote.write("gitops/sandboxes/web.properties", "allow=crates.io:443\n").commitAndPush("policy");
      String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + c2 + "\",\"repository\":{\"clone_url\":\""
          + remote.url() + "\"}}";
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + receiver.port() + WebhookReceiver.PATH);

      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(uri)
          .header("X-Hub-Signature-256", new WebhookSignature("guess".getBytes(StandardCharsets.UTF_8))
              .sign(body.getBytes(StandardCharsets.UTF_8)))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, bad.statusCode());
      assertEquals(0, f.triggers("webhook"));
      assertEquals(c1, f.status(id).fetchedRevision());

      HttpResponse<String> good = http.send(HttpRequest.newBuilder(uri)
          .header("X-Hub-Signature-256", signature.sign(body.getBytes(StandardCharsets.UTF_8)))
          .header("X-GitHub-Event", "push")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(202, good.statusCode());
      assertTrue(good.body().contains(id), good.body());
      awaitApplied(id, c2);
      assertEquals(List.of("crates.io:443"), f.world.rules("web").orElseThrow().allow());
      assertEquals(1, f.triggers("webhook"));
    }
  }

  @Test
  void pollingPicksUpACommitWithoutATrigger() throws Exception {
    String c1 = remote.write("gitops/sandboxes/web.properties", "allow=api.github.com:443\n").commitAndPush("web");
    String id = start(gitSource(Duration.ofMillis(200)));
    awaitApplied(id, c1);
    String c2 = remote.write("gitops/sandboxes/web.properties", "allow=crates.io:443\n").commitAndPush("policy");
    awaitApplied(id, c2);
    assertEquals(0, f.triggers("trigger") + f.triggers("webhook"));
  }

  @Test
  void suspendedSourceIsLeftAloneUntilResumed() throws Exception {
    String c1 = remote.write("gitops/sandboxes/web.properties", "allow=api.github.com:443\n").commitAndPush("web");
    String id = start(gitSource(Duration.ofMillis(100)));
    awaitApplied(id, c1);
    f.controller.suspendSource(id);
    long fetchesAtSuspend = f.count(ControllerEvent.Fetched.class);
    String c2 = remote.write("gitops/sandboxes/web.properties", "allow=crates.io:443\n").commitAndPush("policy");
    f.controller.trigger(id);
    // the suspended source is dequeued and dropped: no fetch happens however often it is triggered
    Await.until(Duration.ofSeconds(10), () -> f.triggers("trigger") >= 1, () -> "trigger recorded");
    assertTrue(f.status(id).suspended());
    assertTrue(f.count(ControllerEvent.Fetched.class) <= fetchesAtSuspend + 1,
        "at most a pass already running when suspended");
    f.controller.resumeSource(id);
    awaitApplied(id, c2);
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

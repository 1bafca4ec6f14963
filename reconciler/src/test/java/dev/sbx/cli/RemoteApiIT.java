package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.compile.GitOpsDir;
import dev.sbx.reconciler.daemon.ApiTls;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.reconciler.daemon.RemoteListen;
import dev.sbx.reconciler.daemon.ServerCertificate;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote API for CI end to end: a real {@link Daemon} (in-memory actuators) serving
 * {@code --listen 127.0.0.1:0} with its generated certificate, and the real CLI in-process talking
 * to it with {@code --host}: the TLS handshake, bearer tokens, read-only scope, the exit codes of
 * {@code sbx diff --exit-code}, and that no token ever reaches a log or an output.
 */
class RemoteApiIT {
  @TempDir Path tmp;
  private Path state;
  private Daemon daemon;
  private final ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();
  private String host;
  private Path caCert;
  private Path tokenFile;
  private String token;
  private final List<CliRun> runs = new ArrayList<>();
  private FakeSandboxRuntime vm;

  @BeforeEach
  void start() throws IOException {
    state = tmp.resolve("state");
    vm = new FakeSandboxRuntime();
    daemon = Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(daemonLog, true, StandardCharsets.UTF_8), vm,
        Optional.of(RemoteListen.of(new InetSocketAddress("127.0.0.1", 0))));
    InetSocketAddress at = daemon.remoteAddress().orElseThrow();
    host = "https://127.0.0.1:" + at.getPort();
    caCert = state.resolve("api-tls/server.pem");
    CliRun created = cli("daemon", "token", "create", "ci", "--state-dir", state.toString());
    assertEquals(0, created.exitCode(), created.err());
    token = created.out().strip();
    assertTrue(token.startsWith("sbx_"), created.out());
    tokenFile = tmp.resolve("ci.token");
    Files.writeString(tokenFile, token + "\n");
  }

  @AfterEach
  void stop() throws IOException {
    daemon.close();
    String log = daemonLog.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("remote API on " + host), log);
    assertFalse(log.contains(token), "the token must never be logged:\n" + log);
    assertFalse(log.contains(token.substring(4)), log);
    for (CliRun r : runs.subList(1, runs.size())) { // the first one is 'token create', which prints it once
      assertFalse(r.out().contains(token) || r.err().contains(token), "token in output: " + r);
    }
    try (Stream<Path> files = Files.walk(state)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".sock")).toList()) {
        assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(token), "token stored in " + f);
      }
    }
  }

  private CliRun cli(String... args) {
    CliRun run = CliRun.of(args);
    runs.add(run);
    assertFalse(run.hasStackTrace(), run.err());
    return run;
  }

  /** sbx ARGS --host URL --token-file F --ca-cert CA, and never --state-dir: the remote daemon is all there is. */
  private CliRun remote(String... args) {
    return cli(Stream.concat(Stream.of(args), Stream.of("--host", host, "--token-file", tokenFile.toString(),
        "--ca-cert", caCert.toString())).toArray(String[]::new));
  }

  @Test
  void diffAgainstTheRemoteDaemonIsZeroInSyncAndOneAfterAChange() throws IOException {
    GitOpsDir fleet = new GitOpsDir(tmp.resolve("srv/gitops")); // what the daemon applied, on its host
    CliRun applied = cli("apply", "-f", fleet.root.toString(), "--state-dir", state.toString());
    assertEquals(0, applied.exitCode(), applied.err());

    // The CI runner's checkout of the same commit, somewhere else: relative workspaces included.
    GitOpsDir checkout = new GitOpsDir(tmp.resolve("runner/work/repo/gitops"));
    CliRun inSync = remote("diff", "-f", checkout.root.toString(), "--exit-code");
    assertEquals(0, inSync.exitCode(), inSync.out() + inSync.err());
    assertTrue(inSync.err().contains("comparing as the daemon's source dir:" + fleet.root), inSync.err());

    checkout.policy("team", "deny-all", "api.github.com:443", "*.crates.io");
    CliRun drift = remote("diff", "-f", checkout.root.toString(), "--exit-code");
    assertEquals(1, drift.exitCode(), drift.out() + drift.err());
    assertTrue(drift.out().contains("~ sandbox dev"), drift.out());
    assertTrue(drift.out().contains("*.crates.io"), drift.out());
    CliRun json = remote("diff", "-f", checkout.root.toString(), "-o", "json");
    assertEquals(0, json.exitCode());
    assertTrue(json.out().replaceAll("\\s", "").contains("\"source\":{\"id\":\"dir:" + fleet.root), json.out());

    checkout.sandbox("extra", "team");
    CliRun create = remote("plan", "-f", checkout.root.toString());
    assertTrue(create.out().contains("+ sandbox extra"), create.out());

    // A change made on the daemon's host (drift) shows up remotely too.
    fleet.policy("team", "deny-all", "api.github.com:443", "*.crates.io");
    assertEquals(0, cli("apply", "-f", fleet.root.toString(), "--state-dir", state.toString()).exitCode());
    checkout.delete("sandbox-extra.yaml");
    assertEquals(0, remote("diff", "-f", checkout.root.toString(), "--exit-code").exitCode());
  }

  @Test
  void badInputIsExitTwoBeforeAnythingIsSent() throws IOException {
    GitOpsDir checkout = new GitOpsDir(tmp.resolve("checkout"));
    checkout.write("sandbox-broken.yaml", "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: broken}\nspec:\n  cpus: [\n");
    CliRun bad = cli("diff", "-f", checkout.root.toString(), "--exit-code", "--host", "https://127.0.0.1:" + closedPort(),
        "--token-file", tokenFile.toString());
    assertEquals(2, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("sandbox-broken.yaml:"), bad.err());
  }

  @Test
  void missingWrongAndRevokedTokensAre401AndExitFive() throws IOException {
    GitOpsDir checkout = new GitOpsDir(tmp.resolve("checkout"));
    CliRun none = cli("diff", "-f", checkout.root.toString(), "--exit-code", "--host", host, "--ca-cert", caCert.toString());
    assertEquals(5, none.exitCode(), none.err());
    assertTrue(none.err().contains("401") && none.err().contains("SBX_TOKEN"), none.err());
    assertEquals(1, none.err().strip().lines().count(), none.err());

    Path wrong = tmp.resolve("wrong.token");
    Files.writeString(wrong, "sbx_" + "A".repeat(43));
    CliRun bad = cli("diff", "-f", checkout.root.toString(), "--exit-code", "--host", host, "--ca-cert", caCert.toString(),
        "--token-file", wrong.toString());
    assertEquals(5, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("401") && bad.err().contains("invalid bearer token"), bad.err());
    assertFalse(bad.err().contains("A".repeat(43)), bad.err());

    assertEquals(1, remote("diff", "-f", checkout.root.toString(), "--exit-code").exitCode());
    assertEquals(0, cli("daemon", "token", "revoke", "ci", "--state-dir", state.toString()).exitCode());
    CliRun revoked = remote("diff", "-f", checkout.root.toString(), "--exit-code");
    assertEquals(5, revoked.exitCode(), revoked.err());
    assertTrue(revoked.err().contains("401"), revoked.err());
  }

  @Test
  void rawHttpWithoutTokenIs401JsonAndWebhookRoutesAreExempt() throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(ApiTls.client(new ApiTls.Trust.CaFile(caCert)))
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(host + "/v1/version")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, noToken.statusCode());
    assertTrue(noToken.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    assertTrue(noToken.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
    assertTrue(noToken.body().startsWith("{\"error\":\"missing bearer token"), noToken.body());

    HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(URI.create(host + "/v1/version"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, withToken.statusCode(), withToken.body());
    assertTrue(withToken.body().contains("\"api\":\"v1\""), withToken.body());
    assertTrue(withToken.body().contains(daemon.remoteFingerprint().orElseThrow()), withToken.body());

    // A directory on the daemon's host cannot be named remotely, whatever the token may do.
    HttpResponse<String> daemonPath = http.send(HttpRequest.newBuilder(URI.create(host + "/v1/plan"))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("{\"dir\":\"/etc\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, daemonPath.statusCode(), daemonPath.body());
    assertTrue(daemonPath.body().contains("cannot be named remotely"), daemonPath.body());

    // No bearer token needed: the webhook routes check their own HMAC (none is routed here yet: 404, not 401).
    HttpResponse<String> hook = http.send(HttpRequest.newBuilder(URI.create(host + "/v1/hooks/git"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, hook.statusCode(), hook.body());

    String log = daemonLog.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("GET /v1/version -> 401"), log);
    assertTrue(log.contains("GET /v1/version -> 200 (token ci)"), log);
  }

  @Test
  void theServerCertificateMustBeTrustedByCaFileOrPinnedFingerprint() throws IOException {
    GitOpsDir checkout = new GitOpsDir(tmp.resolve("checkout"));
    ServerCertificate stranger = ServerCertificate.loadOrCreate(tmp.resolve("other"), List.of());
    Path otherCa = tmp.resolve("other/api-tls/server.pem");
    CliRun wrongCa = cli("diff", "-f", checkout.root.toString(), "--host", host, "--token-file", tokenFile.toString(),
        "--ca-cert", otherCa.toString());
    assertEquals(5, wrongCa.exitCode(), wrongCa.err());
    assertTrue(wrongCa.err().startsWith("sbx: TLS with " + host + " failed"), wrongCa.err());
    assertEquals(1, wrongCa.err().strip().lines().count(), wrongCa.err());

    CliRun systemCas = cli("diff", "-f", checkout.root.toString(), "--host", host, "--token-file", tokenFile.toString());
    assertEquals(5, systemCas.exitCode(), "a self-signed certificate is not in the JDK's CAs: " + systemCas.err());

    CliRun wrongPin = cli("diff", "-f", checkout.root.toString(), "--host", host, "--token-file", tokenFile.toString(),
        "--tls-fingerprint", stranger.fingerprint());
    assertEquals(5, wrongPin.exitCode(), wrongPin.err());
    assertTrue(wrongPin.err().contains("not the pinned one"), wrongPin.err());

    CliRun pinned = cli("diff", "-f", checkout.root.toString(), "--host", host.replace("127.0.0.1", "localhost"),
        "--token-file", tokenFile.toString(), "--tls-fingerprint", daemon.remoteFingerprint().orElseThrow(), "--exit-code");
    assertEquals(1, pinned.exitCode(), pinned.err());

    CliRun plainHttp = cli("diff", "-f", checkout.root.toString(), "--host", host.replace("https", "http"));
    assertEquals(2, plainHttp.exitCode(), plainHttp.err());
    assertTrue(plainHttp.err().contains("HTTPS only"), plainHttp.err());
  }

  @Test
  void connectionRefusedIsOneLineAndExitFive() throws IOException {
    GitOpsDir checkout = new GitOpsDir(tmp.resolve("checkout"));
    CliRun refused = cli("diff", "-f", checkout.root.toString(), "--exit-code", "--host",
        "https://127.0.0.1:" + closedPort(), "--token-file", tokenFile.toString(), "--ca-cert", caCert.toString());
    assertEquals(5, refused.exitCode(), refused.err());
    assertTrue(refused.err().startsWith("sbx: cannot connect to https://127.0.0.1:"), refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
  }

  @Test
  void aReadOnlyTokenMayDiffButNotApply() throws IOException {
    CliRun made = cli("daemon", "token", "create", "reader", "--read-only", "--state-dir", state.toString());
    runs.remove(made);
    Path reader = tmp.resolve("reader.token");
    Files.writeString(reader, made.out().strip());
    GitOpsDir checkout = new GitOpsDir(tmp.resolve("checkout"));
    String[] common = {"--host", host, "--token-file", reader.toString(), "--ca-cert", caCert.toString()};
    CliRun diff = cli(Stream.concat(Stream.of("diff", "-f", checkout.root.toString()), Stream.of(common)).toArray(String[]::new));
    assertEquals(0, diff.exitCode(), diff.err());
    CliRun apply = cli(Stream.concat(Stream.of("apply", "-f", checkout.root.toString()), Stream.of(common)).toArray(String[]::new));
    assertEquals(5, apply.exitCode(), apply.err());
    assertTrue(apply.err().contains("403") && apply.err().contains("read-only"), apply.err());
    assertFalse(apply.err().contains(made.out().strip()));

    CliRun ls = cli("daemon", "token", "ls", "--state-dir", state.toString());
    assertTrue(ls.out().contains("reader") && ls.out().contains("read-only") && ls.out().contains("ci"), ls.out());
  }

  @Test
  void applyAndSandboxVerbsGoToTheRemoteDaemon() throws IOException {
    GitOpsDir checkout = new GitOpsDir(tmp.resolve("checkout"));
    CliRun apply = remote("apply", "-f", checkout.root.toString());
    assertEquals(0, apply.exitCode(), apply.err());
    assertTrue(apply.out().contains("Apply complete"), apply.out());
    assertEquals(0, remote("diff", "-f", checkout.root.toString(), "--exit-code").exitCode());

    vm.create(SandboxSpec.minimal("box"));
    vm.start("box");
    CliRun ls = remote("ls", "-o", "json");
    assertEquals(0, ls.exitCode(), ls.err());
    assertTrue(ls.out().contains("\"box\""), ls.out());
    CliRun rm = remote("rm", "box");
    assertEquals(0, rm.exitCode(), rm.err());
    assertTrue(vm.list().stream().noneMatch(s -> s.name().equals("box")));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

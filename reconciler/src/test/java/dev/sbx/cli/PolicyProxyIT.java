package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.api.Binding;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.reconciler.daemon.Daemon;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sbx policy} against the real Netty egress proxy of an in-process daemon (real mode, no
 * VM): a loopback listener stands for a sandbox's tunnel, a loopback HTTP server for the internet
 * (reachable only through an explicit IP rule, as the address guard wants). Rule changes take
 * effect for the next request on the same listener; {@code policy log} aggregates the proxy's
 * decision ring.
 */
class PolicyProxyIT {
  @TempDir Path tmp;
  private Path state;
  private Daemon daemon;
  private EgressProxy proxy;
  private HttpServer origin;
  private final AtomicInteger served = new AtomicInteger();
  private int listenPort;
  private int originPort;

  @BeforeEach
  void start() throws IOException {
    state = tmp.resolve("state");
    daemon = Daemon.start(state, Daemon.Mode.REAL, new PrintStream(OutputStream.nullOutputStream()));
    proxy = daemon.proxy().orElseThrow();
    origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext("/", ex -> {
      served.incrementAndGet();
      byte[] body = "hello from origin\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    origin.start();
    originPort = origin.getAddress().getPort();
    SandboxId web = SandboxId.of("web");
    proxy.setRules(web, RuleSet.denyAll());
    Binding b = proxy.bind(web, ListenAddress.loopback(0));
    listenPort = ((ListenAddress.Tcp) b.address()).port();
  }

  @AfterEach
  void stop() {
    origin.stop(0);
    daemon.close();
  }

  private CliRun sbx(String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--state-dir", state.toString())).toArray(String[]::new);
    CliRun run = CliRun.of(all);
    assertFalse(run.hasStackTrace(), run.err());
    return run;
  }

  /** One plain-HTTP request through the sandbox's listener; the status code. */
  private int get() throws IOException {
    try (Socket s = new Socket("127.0.0.1", listenPort)) {
      s.setSoTimeout(10_000);
      String req = "GET http://127.0.0.1:" + originPort + "/x HTTP/1.1\r\nHost: 127.0.0.1:" + originPort
          + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(all.substring(9, 12));
    }
  }

  @Test
  void allowTurnsA403IntoA200WithoutRestartAndLogCountsBoth() throws Exception {
    assertEquals(403, get());
    assertEquals(403, get());
    String rule = "127.0.0.1:" + originPort;
    CliRun allow = sbx("policy", "allow", "web", rule);
    assertEquals(0, allow.exitCode(), allow.err());
    for (int i = 0; i < 3; i++) {
      assertEquals(200, get());
    }
    assertEquals(3, served.get(), "only allowed requests reach the origin");

    JsonNode log = JsonMapper.shared().readTree(sbx("policy", "log", "web", "-o", "json").out());
    List<JsonNode> rows = List.copyOf(log.get("rows").valueStream().toList());
    assertEquals(2, rows.size(), log.toString());
    JsonNode deny = rows.get(0);
    assertEquals("deny", deny.get("decision").asString(), "denials first");
    assertEquals(2, deny.get("count").asLong());
    assertEquals("127.0.0.1", deny.get("host").asString());
    assertEquals(originPort, deny.get("port").asInt());
    JsonNode allowed = rows.get(1);
    assertEquals("allow", allowed.get("decision").asString());
    assertEquals(3, allowed.get("count").asLong());
    assertEquals(rule, allowed.get("rule").asString());
    assertEquals("web", allowed.get("sandbox").asString());
    assertTrue(allowed.get("lastSeen").asString().endsWith("Z"));

    CliRun table = sbx("policy", "log", "web");
    List<String> lines = table.out().lines().toList();
    assertTrue(lines.get(0).matches("SANDBOX\\s+HOST\\s+PORT\\s+RULE\\s+DECISION\\s+COUNT\\s+LAST SEEN"), table.out());
    assertTrue(lines.get(2).matches("web\\s+127\\.0\\.0\\.1\\s+" + originPort + "\\s+" + rule.replace(".", "\\.")
        + "\\s+allow\\s+3\\s+\\d{4}-.*Z"), table.out());
    assertEquals(0, JsonMapper.shared().readTree(sbx("policy", "log", "web", "--since", "2099-01-01T00:00:00Z", "-o",
        "json").out()).get("rows").size(), "--since filters");
  }

  @Test
  void denyBeatsAllowRmRestoresAndSetDefaultReachesTheProxy() throws Exception {
    String rule = "127.0.0.1:" + originPort;
    assertEquals(0, sbx("policy", "allow", "web", rule).exitCode());
    assertEquals(200, get());
    assertEquals(0, sbx("policy", "deny", "web", "127.0.0.1").exitCode());
    assertEquals(403, get(), "deny wins over allow");
    assertEquals(0, sbx("policy", "rm", "web", "127.0.0.1").exitCode());
    assertEquals(200, get());
    assertEquals(0, sbx("policy", "rm", "web", rule).exitCode());
    assertEquals(403, get());
    assertEquals(0, sbx("policy", "set-default", "web", "allow-all").exitCode());
    assertEquals(Mode.ALLOW_ALL, proxy.rules(SandboxId.of("web")).orElseThrow().mode());
    assertEquals(403, get(), "allow-all never opens loopback: only an explicit IP rule does");
  }

  @Test
  void followPrintsEachNewIntervalAsJsonLines() throws Exception {
    assertEquals(403, get());
    StringWriter out = new StringWriter();
    CommandLine cli = Sbx.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    int[] code = {-1};
    Thread follower = new Thread(() -> code[0] = cli.execute("policy", "log", "web", "-f", "-o", "json",
        "--follow-polls", "4", "--poll-interval", "300", "--state-dir", state.toString()));
    follower.start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (out.toString().isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(out.toString().isEmpty(), "the first poll printed the earlier decision");
    assertEquals(403, get());
    follower.join(20_000);
    assertEquals(0, code[0]);
    List<String> lines = out.toString().lines().toList();
    assertEquals(2, lines.size(), out.toString());
    for (String l : lines) {
      JsonNode row = JsonMapper.shared().readTree(l);
      assertEquals(1, row.get("count").asLong(), "each interval counts only its own decisions: " + l);
      assertEquals("deny", row.get("decision").asString());
    }
  }
}

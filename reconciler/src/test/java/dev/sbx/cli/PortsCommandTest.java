package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code sbx ports} through the real local API of an in-process daemon whose VM runtime is the
 * fake (its guest port 8080 is a real loopback server); the real microVM case is {@code PortsVmIT}.
 */
class PortsCommandTest {
  @TempDir Path tmp;
  private Path state;
  private FakeSandboxRuntime vm;
  private Daemon daemon;
  private ServerSocket guest8080;

  @BeforeEach
  void start() throws IOException {
    state = tmp.resolve("state");
    vm = new FakeSandboxRuntime();
    vm.create(SandboxSpec.minimal("web"));
    vm.start("web");
    guest8080 = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    vm.serveGuestPort("web", 8080, (InetSocketAddress) guest8080.getLocalSocketAddress());
    Thread server = new Thread(() -> {
      while (!guest8080.isClosed()) {
        try (Socket s = guest8080.accept()) {
          s.getInputStream().readAllBytes();
          s.getOutputStream().write("served by guest 8080".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          return;
        }
      }
    });
    server.setDaemon(true);
    server.start();
    daemon = startDaemon();
  }

  private Daemon startDaemon() {
    return Daemon.start(state, Daemon.Mode.MEMORY, new PrintStream(OutputStream.nullOutputStream()), vm);
  }

  @AfterEach
  void stop() throws IOException {
    daemon.close();
    guest8080.close();
  }

  private CliRun sbx(String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--state-dir", state.toString())).toArray(String[]::new);
    CliRun run = CliRun.of(all);
    assertFalse(run.hasStackTrace(), run.err());
    return run;
  }

  static String fetch(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /".getBytes(StandardCharsets.UTF_8));
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static boolean refused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
      Thread.sleep(50);
    }
  }

  private static int publishedPort(CliRun run) {
    Matcher m = Pattern.compile("web: 127\\.0\\.0\\.1:(\\d+) -> 8080").matcher(run.out());
    assertTrue(m.find(), run.out() + run.err());
    return Integer.parseInt(m.group(1));
  }

  @Test
  void publishListFetchAndUnpublish() throws Exception {
    assertEquals("SANDBOX   HOST_IP   HOST_PORT   GUEST_PORT\n", sbx("ports", "web").out());
    CliRun publish = sbx("ports", "web", "--publish", "8080");
    assertEquals(0, publish.exitCode(), publish.err());
    int port = publishedPort(publish);
    assertEquals("served by guest 8080", fetch(port));

    String table = sbx("ports", "web").out();
    String[] lines = table.split("\n");
    assertEquals(2, lines.length, table);
    assertEquals(lines[0].indexOf("HOST_PORT"), lines[1].indexOf("" + port), "aligned columns:\n" + table);
    assertTrue(lines[1].matches("web\\s+127\\.0\\.0\\.1\\s+" + port + "\\s+8080"), table);

    String ls = sbx("ls").out();
    assertTrue(ls.contains(" 127.0.0.1:" + port + "->8080 "), "sbx ls shows the published port:\n" + ls);

    JsonNode json = new ObjectMapper().readTree(sbx("ports", "web", "-o", "json").out());
    assertEquals(1, json.size());
    assertEquals("web", json.get(0).get("sandbox").asString());
    assertEquals("127.0.0.1", json.get(0).get("hostIp").asString());
    assertEquals(port, json.get(0).get("hostPort").asInt());
    assertEquals(8080, json.get(0).get("guestPort").asInt());
    assertTrue(json.get(0).get("listening").asBoolean());
    assertEquals("- sandbox: \"web\"\n  hostIp: \"127.0.0.1\"\n  hostPort: " + port + "\n  guestPort: 8080\n"
        + "  listening: true\n", sbx("ports", "web", "-o", "yaml").out());

    CliRun unpublish = sbx("ports", "web", "--unpublish", "8080");
    assertEquals(0, unpublish.exitCode(), unpublish.err());
    assertTrue(unpublish.out().contains("web: unpublished 127.0.0.1:" + port + " -> 8080"), unpublish.out());
    assertTrue(refused(port), "unpublished port still accepts");
    assertEquals("[ ]", sbx("ports", "web", "-o", "json").out().strip());
  }

  @Test
  void explicitAddressAndHostPortAndSeveralAtOnce() throws Exception {
    int free;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      free = probe.getLocalPort();
    }
    CliRun publish = sbx("ports", "web", "-p", "127.0.0.1:" + free + ":8080", "--publish", "9999", "-o", "json");
    assertEquals(0, publish.exitCode(), publish.err());
    JsonNode added = new ObjectMapper().readTree(publish.out());
    assertEquals(2, added.size());
    assertEquals(free, added.get(0).get("hostPort").asInt());
    assertEquals("served by guest 8080", fetch(free));
    // guest port 9999: nobody listens in the guest, the client is closed without an answer
    int other = added.get(1).get("hostPort").asInt();
    try {
      assertEquals("", fetch(other));
    } catch (java.net.SocketException reset) {
      // a reset is fine too: the request was never read
    }
    CliRun taken = sbx("ports", "web", "--publish", free + ":8080");
    assertEquals(2, taken.exitCode());
    assertTrue(taken.err().contains("already published"), taken.err());
  }

  @Test
  void badInputIsOneMessageWithExitCode2() {
    CliRun bad = sbx("ports", "web", "--publish", "1:2:3:4");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("--publish '1:2:3:4'") && bad.err().contains("[[IP:]HOST:]GUEST"), bad.err());
    CliRun format = sbx("ports", "web", "-o", "xml");
    assertEquals(2, format.exitCode());
    CliRun missing = sbx("ports", "nope", "--publish", "8080");
    assertEquals(2, missing.exitCode(), missing.err());
    assertTrue(missing.err().contains("nope"), missing.err());
    CliRun nothing = sbx("ports", "web", "--unpublish", "8080");
    assertEquals(2, nothing.exitCode());
    assertTrue(nothing.err().contains("no published port matches 8080"), nothing.err());
    vm.stop("web");
    CliRun stopped = sbx("ports", "web", "--publish", "8080");
    assertEquals(2, stopped.exitCode());
    assertTrue(stopped.err().contains("start it before publishing"), stopped.err());
  }

  @Test
  void listenersFollowTheSandboxAndSurviveADaemonRestart() throws Exception {
    int port = publishedPort(sbx("ports", "web", "--publish", "8080"));
    assertTrue(Files.readString(state.resolve("ports.json")).contains("" + port), "persisted");

    daemon.close();
    assertTrue(refused(port), "the listeners end with the daemon");
    daemon = startDaemon();
    await(() -> !refused(port), "re-published on the same host port after a daemon restart");
    assertEquals("served by guest 8080", fetch(port));

    vm.stop("web");
    await(() -> refused(port), "the listener closes when the sandbox stops");
    assertTrue(sbx("ports", "web").out().contains("" + port), "still published, for the next start");
    vm.start("web");
    vm.serveGuestPort("web", 8080, (InetSocketAddress) guest8080.getLocalSocketAddress());
    await(() -> !refused(port), "back on the same host port when the sandbox runs again");
    assertEquals("served by guest 8080", fetch(port));

    vm.destroy("web");
    await(() -> refused(port), "the listener closes when the sandbox is removed");
    await(() -> sbx("ports", "web", "-o", "json").out().strip().equals("[ ]"), "a removed sandbox's ports are forgotten");
    assertThrows(ConnectException.class, () -> fetch(port));
  }
}

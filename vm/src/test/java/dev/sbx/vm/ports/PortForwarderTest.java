package dev.sbx.vm.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The forwarder's listeners against the fake runtime, whose guest ports are real loopback servers. */
class PortForwarderTest {
  private final FakeSandboxRuntime runtime = new FakeSandboxRuntime();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final PortForwarder forwarder = new PortForwarder(runtime, log::add);
  private ServerSocket guestServer;
  private Thread serving;

  @BeforeEach
  void sandboxWithAnEchoServerOnGuestPort8080() throws IOException {
    runtime.create(SandboxSpec.minimal("a"));
    runtime.start("a");
    guestServer = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    runtime.serveGuestPort("a", 8080, (InetSocketAddress) guestServer.getLocalSocketAddress());
    serving = new Thread(() -> {
      while (!guestServer.isClosed()) {
        try (Socket s = guestServer.accept()) {
          byte[] request = s.getInputStream().readAllBytes(); // until the client half-closes
          s.getOutputStream().write(("echo:" + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          return;
        }
      }
    });
    serving.setDaemon(true);
    serving.start();
  }

  @AfterEach
  void close() throws IOException {
    forwarder.close();
    guestServer.close();
  }

  static String roundTrip(String host, int port, String request) throws IOException {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The client gets no answer: EOF, or a reset when its unread request was still queued. */
  static void assertRefused(int port) throws IOException {
    try {
      assertEquals("", roundTrip("127.0.0.1", port, "anyone?"));
    } catch (java.net.SocketException reset) {
      assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
    }
  }

  /** The line is logged right after the client was closed: wait for it, with a deadline. */
  void awaitLog(String text) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (log.stream().noneMatch(l -> l.contains(text))) {
      assertTrue(System.nanoTime() < deadline, "no log line with '" + text + "': " + log);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void publishesOnLoopbackWithAnEphemeralPortAndForwards() throws IOException {
    PublishedPort p = forwarder.publish("a", PortSpec.parse("8080"));
    assertEquals("127.0.0.1", p.hostIp());
    assertTrue(p.hostPort() > 0);
    assertEquals(8080, p.guestPort());
    assertEquals("echo:hello", roundTrip("127.0.0.1", p.hostPort(), "hello"));
    assertEquals("echo:again", roundTrip("127.0.0.1", p.hostPort(), "again"));
    assertEquals(List.of(p), forwarder.published("a"));
  }

  @Test
  void aRefusedGuestPortClosesTheClientAndIsLogged() throws IOException {
    PublishedPort p = forwarder.publish("a", PortSpec.parse("9999"));
    assertRefused(p.hostPort());
    awaitLog("Connection refused");
  }

  @Test
  void unpublishClosesTheListener() throws IOException {
    PublishedPort p = forwarder.publish("a", PortSpec.parse("8080"));
    forwarder.publish("a", PortSpec.parse("8081"));
    assertEquals(List.of(p), forwarder.unpublish("a", PortSpec.parse(p.hostPort() + ":8080")));
    assertThrows(ConnectException.class, () -> roundTrip("127.0.0.1", p.hostPort(), "x"));
    assertEquals(1, forwarder.closeAll("a").size());
    assertTrue(forwarder.published().isEmpty());
  }

  @Test
  void aTakenHostPortIsAClearError() throws IOException {
    PublishedPort p = forwarder.publish("a", PortSpec.parse("8080"));
    var again = assertThrows(SandboxException.class, () -> forwarder.publish("a", new PortSpec(null, p.hostPort(), 8081)));
    assertTrue(again.getMessage().contains("already published"), again.getMessage());
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var busy = assertThrows(SandboxException.class,
          () -> forwarder.publish("a", new PortSpec(null, taken.getLocalPort(), 8080)));
      assertEquals(SandboxException.Kind.INVALID, busy.kind());
      assertTrue(busy.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), busy.getMessage());
    }
  }

  @Test
  void aStoppedSandboxRefusesForwardedConnections() throws IOException {
    PublishedPort p = forwarder.publish("a", PortSpec.parse("8080"));
    runtime.stop("a");
    assertRefused(p.hostPort());
    awaitLog("not running");
  }
}

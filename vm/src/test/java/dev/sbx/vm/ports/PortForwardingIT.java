package dev.sbx.vm.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.microvm.MicrovmRuntime;
import dev.sbx.vm.testing.VmAvailability;
import dev.sbx.vm.testing.VmTestDir;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Published ports against a real microVM (QEMU under TCG here) and the real guest agent: a
 * busybox httpd listens on 127.0.0.1:8080 inside the guest, which has no network device; the
 * host reaches it only through a {@link PortForwarder} listener and the agent channel. One VM
 * for the whole class (a TCG boot takes ~10 s).
 */
@Tag("vm")
class PortForwardingIT {
  private static final Duration CMD = Duration.ofSeconds(60);
  private static Path dir;
  private static MicrovmRuntime runtime;
  private static PortForwarder forwarder;
  private static final List<String> log = new CopyOnWriteArrayList<>();
  private static String bigSha;
  private static boolean passed = true;

  @BeforeAll
  static void bootWithAGuestHttpServer() throws Exception {
    VmAvailability.kernel();
    dir = VmTestDir.create("ports");
    runtime = new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment().withDirs(VmAvailability.dirs(dir.resolve("s"))));
    runtime.create(SandboxSpec.minimal("web"));
    runtime.start("web");
    ExecResult served = root("mkdir -p /tmp/www && echo hello-from-the-guest > /tmp/www/index.html"
        + " && dd if=/dev/urandom of=/tmp/www/big.bin bs=1024 count=3072 2>/dev/null"
        + " && httpd -p 127.0.0.1:8080 -h /tmp/www && sha256sum /tmp/www/big.bin");
    assertEquals(0, served.exitCode(), served.stderrText());
    bigSha = served.stdoutText().split(" ")[0];
    forwarder = new PortForwarder(runtime, log::add);
  }

  @AfterAll
  static void removeTheVm() throws IOException {
    if (forwarder != null) {
      forwarder.close();
    }
    if (runtime != null) {
      runtime.destroy("web");
      runtime.close();
    }
    if (dir != null) {
      VmTestDir.deleteIfPassed(dir, passed);
    }
  }

  private static ExecResult root(String script) {
    return runtime.run("web", ExecRequest.asRoot("/bin/sh", "-c", script), CMD);
  }

  /** HTTP/1.0 GET through the published port; the client half-closes after the request. */
  static byte[] get(int hostPort, String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", hostPort)) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: web\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      s.shutdownOutput();
      byte[] all = s.getInputStream().readAllBytes();
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int body = text.indexOf("\r\n\r\n");
      assertTrue(text.startsWith("HTTP/1.") && text.contains(" 200 ") && body > 0, text.substring(0, Math.min(200, text.length())));
      return Arrays.copyOfRange(all, body + 4, all.length);
    }
  }

  /** Port 8080 of the guest, published on an ephemeral loopback port, serves the guest's files. */
  @Test
  void aPublishedGuestPortServesThroughTheAgentChannelOnLoopback() throws Exception {
    passed = false;
    PublishedPort p = forwarder.publish("web", PortSpec.parse("8080"));
    assertEquals("127.0.0.1", p.hostIp());
    assertEquals(List.of("127.0.0.1"), ListeningSockets.boundTo(p.hostPort()), "bound to loopback only");
    assertEquals("hello-from-the-guest\n", new String(get(p.hostPort(), "/index.html"), StandardCharsets.UTF_8));

    // 3 MiB through the stream: many windows of flow control, byte for byte
    byte[] big = get(p.hostPort(), "/big.bin");
    assertEquals(3 * 1024 * 1024, big.length);
    assertEquals(bigSha, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)));

    // several connections at once share the one agent channel
    var threads = new java.util.ArrayList<Thread>();
    var answers = new CopyOnWriteArrayList<String>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        try {
          answers.add(new String(get(p.hostPort(), "/index.html"), StandardCharsets.UTF_8));
        } catch (IOException e) {
          answers.add(e.toString());
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(120_000);
    }
    assertEquals(List.of("hello-from-the-guest\n", "hello-from-the-guest\n", "hello-from-the-guest\n",
        "hello-from-the-guest\n"), List.copyOf(answers));

    // unpublished: the host port is closed
    assertEquals(List.of(p), forwarder.unpublish("web", PortSpec.parse("8080")));
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", p.hostPort()).close());
    passed = true;
  }

  /** Nothing listens on guest port 8099: the agent answers RESET "Connection refused". */
  @Test
  void aGuestPortNobodyListensOnIsRefusedWithTheReason() throws Exception {
    passed = false;
    try (var server = java.nio.channels.ServerSocketChannel.open()) {
      server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      var e = assertThrows(SandboxException.class, () -> runtime.connectGuestPort("web", 8099, server.accept()));
      assertEquals(SandboxException.Kind.GUEST_FAILED, e.kind());
      assertTrue(e.getMessage().contains("127.0.0.1:8099") && e.getMessage().contains("refused"), e.getMessage());
      client.configureBlocking(true);
      assertEquals(-1, client.read(java.nio.ByteBuffer.allocate(1)), "the refused connection is closed");
      client.close();
    }
    PublishedPort p = forwarder.publish("web", PortSpec.parse("127.0.0.1:0:8099"));
    try (Socket s = new Socket("127.0.0.1", p.hostPort())) {
      s.setSoTimeout(60_000);
      assertEquals(-1, s.getInputStream().read());
    }
    forwarder.unpublish("web", PortSpec.parse("8099"));
    long deadline = System.nanoTime() + 10_000_000_000L; // logged just after the client was closed
    while (log.stream().noneMatch(l -> l.contains("8099") && l.contains("refused"))) {
      assertTrue(System.nanoTime() < deadline, log.toString());
      Thread.sleep(20);
    }
    // the channel is still fine for everything else
    assertEquals("ok\n", root("echo ok").stdoutText());
    passed = true;
  }
}

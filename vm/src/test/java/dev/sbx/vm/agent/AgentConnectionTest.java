package dev.sbx.vm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConnectionTest {
  private static final Duration T = Duration.ofSeconds(5);
  @TempDir Path tmp;
  private FakeAgent agent;
  private AgentConnection host;

  private AgentConnection connect(int version, TunnelOpener opener) throws Exception {
    Path socket = tmp.resolve("agent.sock");
    agent = new FakeAgent(socket, version);
    host = AgentConnection.start(SocketChannel.open(UnixDomainSocketAddress.of(socket)), opener, line -> { });
    return host;
  }

  @AfterEach
  void close() throws Exception {
    if (host != null) {
      host.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void handshakeAnswersHelloAndPingIsAnswered() throws Exception {
    var hello = connect(1, null).handshake(T);
    assertEquals("boot-1", hello.bootId());
    assertFalse(hello.ready());
    Tags hostHello = Tags.decode(agent.await(FrameType.HELLO).payload());
    assertEquals("1", hostHello.first("version").orElseThrow());
    assertTrue(host.ping(T).toMillis() < 5000);
  }

  @Test
  void hostSaysHelloFirstWhenTheGuestMissedAReconnect() throws Exception {
    Path socket = tmp.resolve("quiet.sock");
    agent = new FakeAgent(socket, 1, true);
    host = AgentConnection.start(SocketChannel.open(UnixDomainSocketAddress.of(socket)), null, line -> { });
    var hello = host.handshake(T, Duration.ofMillis(200));
    assertEquals("boot-1", hello.bootId());
    assertTrue(host.ping(T).toMillis() < 5000);
  }

  @Test
  void refusesAnAgentOfAnotherVersionNamingBoth() throws Exception {
    var e = assertThrows(ProtocolException.class, () -> connect(2, null).handshake(T));
    assertTrue(e.getMessage().contains("version 2") && e.getMessage().contains("version 1"), e.getMessage());
  }

  @Test
  void configureSendsTagsAndReportsARefusal() throws Exception {
    connect(1, null).handshake(T);
    host.configure(Tags.create().add("hostname", "api").add("env", "A=B"), T);
    assertEquals(List.of("A=B"), agent.lastConfigure.all("env"));
    agent.refuseConfigure = true;
    var e = assertThrows(GuestRefusedException.class, () -> host.configure(Tags.create(), T));
    assertTrue(e.getMessage().contains("no such user"));
  }

  @Test
  void execStreamsStdoutAndStderrSeparatelyInOrderWithExitCode() throws Exception {
    connect(1, null).handshake(T);
    var events = new ArrayList<String>();
    ExecOutput output = new ExecOutput() {
      @Override
      public void stdout(byte[] b) {
        events.add("out:" + new String(b, StandardCharsets.UTF_8));
      }

      @Override
      public void stderr(byte[] b) {
        events.add("err:" + new String(b, StandardCharsets.UTF_8));
      }
    };
    var process = host.exec(ExecRequest.asAgent("emit", "out:1", "err:2", "out:3", "exit:7"), output);
    ExitStatus status = process.waitFor(T).orElseThrow();
    assertEquals(7, status.code());
    assertEquals(List.of("out:1", "err:2", "out:3"), events);
    Tags exec = Tags.decode(agent.await(FrameType.EXEC).payload());
    assertEquals("1000", exec.first("uid").orElseThrow());
    assertEquals(List.of("emit", "out:1", "err:2", "out:3", "exit:7"), exec.all("arg"));
  }

  @Test
  void terminalExecAsksForATtyAndResizesWithASignal() throws Exception {
    connect(1, null).handshake(T);
    var process = host.exec(ExecRequest.asAgent("cat").withTerminal(40, 100), ExecOutput.DISCARD);
    Tags exec = Tags.decode(agent.await(FrameType.EXEC).payload());
    assertEquals(List.of("1", "40", "100", "1"), List.of(exec.first("tty").orElseThrow(), exec.first("rows").orElseThrow(),
        exec.first("cols").orElseThrow(), exec.first("stdin").orElseThrow()));
    process.resize(50, 132);
    Tags resize = Tags.decode(agent.await(FrameType.SIGNAL).payload());
    assertEquals("50", resize.first("rows").orElseThrow());
    assertEquals("132", resize.first("cols").orElseThrow());
    assertTrue(resize.first("signal").isEmpty());
  }

  @Test
  void execIdsAreOddAndDistinct() throws Exception {
    connect(1, null).handshake(T);
    host.exec(ExecRequest.asAgent("emit"), ExecOutput.DISCARD).waitFor(T).orElseThrow();
    host.exec(ExecRequest.asAgent("emit"), ExecOutput.DISCARD).waitFor(T).orElseThrow();
    int first = agent.await(FrameType.EXEC).stream();
    int second = agent.await(FrameType.EXEC).stream();
    assertEquals(1, first % 2);
    assertEquals(1, second % 2);
    assertTrue(second > first);
  }

  @Test
  void stdinReachesTheProcessAndAnEmptyFrameClosesIt() throws Exception {
    connect(1, null).handshake(T);
    var out = new ByteArrayOutputStream();
    var process = host.exec(ExecRequest.asAgent("cat").withStdin(true), collect(out));
    byte[] input = new byte[200_000];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) i;
    }
    process.writeStdin(input);
    process.closeStdin();
    assertEquals(0, process.waitFor(T).orElseThrow().code());
    assertArrayEquals(input, out.toByteArray());
  }

  @Test
  void largeOutputFlowsOnlyBecauseTheHostSendsCredit() throws Exception {
    connect(1, null).handshake(T);
    var total = new AtomicLong();
    var process = host.exec(ExecRequest.asAgent("flood", "1000000"), new ExecOutput() {
      @Override
      public void stdout(byte[] b) {
        total.addAndGet(b.length);
      }

      @Override
      public void stderr(byte[] b) {}
    });
    assertEquals(0, process.waitFor(Duration.ofSeconds(20)).orElseThrow().code(), "the agent ran out of window");
    assertEquals(1_000_000, total.get());
    int credit = ByteBuffer.wrap(agent.await(FrameType.CREDIT).payload()).getInt();
    assertTrue(credit >= AgentConnection.CREDIT_BATCH);
  }

  @Test
  void commandThatNeverStartedReportsTheError() throws Exception {
    connect(1, null).handshake(T);
    var status = host.exec(ExecRequest.asAgent("missing"), ExecOutput.DISCARD).waitFor(T).orElseThrow();
    assertEquals(127, status.code());
    assertTrue(status.startError().orElseThrow().contains("No such file"));
    var killed = host.exec(ExecRequest.asAgent("die"), ExecOutput.DISCARD).waitFor(T).orElseThrow();
    assertEquals(9, killed.signal());
  }

  @Test
  void lostConnectionEndsRunningExecs() throws Exception {
    connect(1, null).handshake(T);
    var process = host.exec(ExecRequest.asAgent("cat").withStdin(true), ExecOutput.DISCARD);
    agent.close();
    var status = process.waitFor(T).orElseThrow();
    assertTrue(status.startError().orElseThrow().contains("connection lost"), status.toString());
    assertTrue(host.closedFuture().isDone());
  }

  @Test
  void tunnelRelaysBothWaysToTheEgressEndpointAndHalfCloses() throws Exception {
    try (var proxy = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      int port = proxy.getLocalPort();
      connect(1, () -> SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
          .handshake(T);
      agent.send(new Frame(FrameType.OPEN, 2, Tags.create().add("kind", "proxy").encode()));
      proxy.setSoTimeout(5000);
      try (Socket upstream = proxy.accept()) {
        assertEquals(2, agent.await(FrameType.OPENED).stream());
        agent.send(new Frame(FrameType.DATA, 2, "CONNECT api.github.com:443 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        agent.send(Frame.of(FrameType.CLOSE, 2));
        byte[] request = upstream.getInputStream().readAllBytes();
        assertEquals("CONNECT api.github.com:443 HTTP/1.1\r\n\r\n", new String(request, StandardCharsets.UTF_8));
        upstream.getOutputStream().write("HTTP/1.1 403 Forbidden\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        upstream.shutdownOutput();
        Frame data = agent.await(FrameType.DATA);
        assertEquals("HTTP/1.1 403 Forbidden\r\n\r\n", new String(data.payload(), StandardCharsets.UTF_8));
        assertEquals(2, agent.await(FrameType.CLOSE).stream());
        assertEquals(2, agent.await(FrameType.CREDIT).stream(), "host credits the bytes it consumed");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (host.openTunnels() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertEquals(0, host.openTunnels(), "a stream closed both ways is gone");
      }
    }
  }

  @Test
  void tunnelToAnUnreachableEndpointIsReset() throws Exception {
    int closedPort;
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    connect(1, () -> SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort)))
        .handshake(T);
    agent.send(new Frame(FrameType.OPEN, 4, Tags.create().add("kind", "proxy").encode()));
    Frame reset = agent.await(FrameType.RESET);
    assertEquals(4, reset.stream());
    assertTrue(Tags.decode(reset.payload()).first("error").orElseThrow().contains("egress unreachable"));
  }

  @Test
  void sandboxWithoutEgressRefusesTunnels() throws Exception {
    connect(1, null).handshake(T);
    agent.send(new Frame(FrameType.OPEN, 2, Tags.create().add("kind", "proxy").encode()));
    assertEquals(2, agent.await(FrameType.RESET).stream());
  }

  private static ExecOutput collect(ByteArrayOutputStream out) {
    return new ExecOutput() {
      @Override
      public void stdout(byte[] b) {
        out.writeBytes(b);
      }

      @Override
      public void stderr(byte[] b) {}
    };
  }

  /** A connected pair of loopback sockets: the first stands for the host client, the second is handed to openPort. */
  private static SocketChannel[] socketPair() throws Exception {
    try (var server = java.nio.channels.ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      return new SocketChannel[] {client, server.accept()};
    }
  }

  private AgentConnection connectWithPorts() throws Exception {
    Path socket = tmp.resolve("agent.sock");
    agent = new FakeAgent(socket, 1, true);
    agent.portFeature = true;
    host = AgentConnection.start(SocketChannel.open(UnixDomainSocketAddress.of(socket)), null, line -> { });
    host.handshake(T, Duration.ofMillis(100));
    return host;
  }

  @Test
  void portStreamOpensOnAFreshOddIdAndRelaysBothWaysThenHalfCloses() throws Exception {
    connectWithPorts();
    host.exec(ExecRequest.asAgent("emit", "exit:0"), new ExecOutput() {
      @Override
      public void stdout(byte[] bytes) {}

      @Override
      public void stderr(byte[] bytes) {}
    });
    SocketChannel[] pair = socketPair();
    host.openPort(7, pair[1], T);
    Frame open = agent.await(FrameType.OPEN);
    assertEquals(3, open.stream(), "port streams share the host's odd id sequence with execs");
    Tags tags = Tags.decode(open.payload());
    assertEquals("port", tags.first("kind").orElseThrow());
    assertEquals("7", tags.first("port").orElseThrow());
    try (Socket client = pair[0].socket()) {
      client.setSoTimeout(5000);
      client.getOutputStream().write("echo me".getBytes(StandardCharsets.UTF_8));
      assertEquals("echo me", new String(client.getInputStream().readNBytes(7), StandardCharsets.UTF_8));
      client.shutdownOutput();
      assertEquals(-1, client.getInputStream().read(), "the guest's CLOSE ends the host client's input");
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (host.openTunnels() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, host.openTunnels(), "a stream closed both ways is gone");
  }

  @Test
  void aRefusedGuestPortFailsWithTheGuestsReasonAndClosesTheClient() throws Exception {
    connectWithPorts();
    SocketChannel[] pair = socketPair();
    var e = assertThrows(GuestRefusedException.class, () -> host.openPort(8080, pair[1], T));
    assertTrue(e.getMessage().contains("127.0.0.1:8080") && e.getMessage().contains("refused"), e.getMessage());
    assertEquals(-1, pair[0].read(ByteBuffer.allocate(1)));
    assertEquals(0, host.openTunnels());
    pair[0].close();
  }

  @Test
  void anAgentWithoutThePortFeatureIsNeverSentOpen() throws Exception {
    connect(1, null).handshake(T);
    SocketChannel[] pair = socketPair();
    var e = assertThrows(GuestRefusedException.class, () -> host.openPort(7, pair[1], T));
    assertTrue(e.getMessage().contains("does not support port streams"), e.getMessage());
    assertFalse(pair[1].isOpen());
    host.ping(T);
    assertTrue(agent.received.stream().noneMatch(f -> f.type() == FrameType.OPEN));
    pair[0].close();
  }
}

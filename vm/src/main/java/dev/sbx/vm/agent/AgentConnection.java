package dev.sbx.vm.agent;

import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecProcess;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The host end of the guest agent protocol over one byte-stream connection: a reader thread
 * demultiplexes frames to exec streams and egress tunnels; writers share one lock. Exec and
 * port streams use odd ids chosen here; proxy tunnels use the even ids the guest opens.
 */
public final class AgentConnection implements AutoCloseable {
  public static final int VERSION = 1;
  public static final int WINDOW = 262144;
  static final int CREDIT_BATCH = 65536;
  static final String HOST_ID = "sbx/0.1";

  private final SocketChannel channel;
  private final InputStream in;
  private final OutputStream out;
  private final Object writeLock = new Object();
  private final TunnelOpener tunnels;
  private final Consumer<String> guestLog;
  private final Map<Integer, ExecStream> execs = new ConcurrentHashMap<>();
  private final Map<Integer, Tunnel> openTunnels = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> pings = new ConcurrentHashMap<>();
  private final CompletableFuture<GuestHello> hello = new CompletableFuture<>();
  private final AtomicInteger nextExec = new AtomicInteger(1);
  private final AtomicLong pingCounter = new AtomicLong();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile CompletableFuture<Tags> configured;
  private final Thread reader;

  private AgentConnection(SocketChannel channel, TunnelOpener tunnels, Consumer<String> guestLog) {
    this.channel = channel;
    this.in = new java.io.BufferedInputStream(ChannelIO.in(channel), 1 << 16);
    this.out = ChannelIO.out(channel);
    this.tunnels = tunnels;
    this.guestLog = guestLog;
    this.reader = new Thread(this::readLoop, "sbx-agent-reader");
    reader.setDaemon(true);
  }

  /**
   * Wraps a connected channel and starts reading.
   *
   * @param tunnels connects guest proxy connections; {@code null} refuses them
   * @param guestLog receives the agent's {@code LOG} lines
   */
  public static AgentConnection start(SocketChannel channel, TunnelOpener tunnels, Consumer<String> guestLog) {
    var connection = new AgentConnection(channel, tunnels, Objects.requireNonNull(guestLog, "guestLog"));
    connection.reader.start();
    return connection;
  }

  /** Waits for the guest's {@code HELLO}, checks the version and answers with the host's. */
  public GuestHello handshake(Duration timeout) throws IOException, TimeoutException {
    return handshake(timeout, null);
  }

  /**
   * As {@link #handshake(Duration)}, but when no guest {@code HELLO} came within
   * {@code nudgeAfter} the host says {@code HELLO} first: virtio-serial can hide a quick host
   * reconnect from the guest, which then never re-sends its own (PROTOCOL.md, clarifications).
   * The guest answers a host {@code HELLO} with a fresh one. Use it when attaching to a VM that
   * already runs, not during boot.
   */
  public GuestHello handshake(Duration timeout, Duration nudgeAfter) throws IOException, TimeoutException {
    GuestHello guest;
    if (nudgeAfter != null && nudgeAfter.compareTo(timeout) < 0) {
      try {
        guest = await(hello, nudgeAfter, "guest HELLO");
      } catch (TimeoutException quiet) {
        send(hostHello());
        guest = await(hello, timeout.minus(nudgeAfter), "guest HELLO");
      }
    } else {
      guest = await(hello, timeout, "guest HELLO");
    }
    if (guest.version() != VERSION) {
      throw new ProtocolException("guest agent speaks protocol version " + guest.version()
          + ", this host speaks version " + VERSION + "; rebuild the guest image with this sbx");
    }
    send(hostHello());
    return guest;
  }

  private static Frame hostHello() {
    return new Frame(FrameType.HELLO, 0, Tags.create().add("version", "" + VERSION).add("host", HOST_ID).encode());
  }

  /** Sends {@code PING} and waits for the matching {@code PONG}. */
  public Duration ping(Duration timeout) throws IOException, TimeoutException {
    long started = System.nanoTime();
    String token = "ping-" + pingCounter.incrementAndGet();
    var answer = new CompletableFuture<Void>();
    pings.put(token, answer);
    try {
      send(new Frame(FrameType.PING, 0, token.getBytes(StandardCharsets.UTF_8)));
      await(answer, timeout, "PONG");
    } finally {
      pings.remove(token);
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** Sends {@code CONFIGURE} and waits for {@code CONFIGURED}; a refusal is an IOException. */
  public void configure(Tags tags, Duration timeout) throws IOException, TimeoutException {
    var answer = new CompletableFuture<Tags>();
    configured = answer;
    send(new Frame(FrameType.CONFIGURE, 0, tags.encode()));
    Tags reply = await(answer, timeout, "CONFIGURED");
    if (!"1".equals(reply.first("ok").orElse("0"))) {
      throw new GuestRefusedException("guest refused configuration: " + reply.first("error").orElse("(no reason given)"));
    }
  }

  /** Asks the agent to sync, unmount and power off. */
  public void shutdown() throws IOException {
    send(Frame.of(FrameType.SHUTDOWN, 0));
  }

  /** Starts a command; output goes to {@code output} from the reader thread. */
  public ExecProcess exec(ExecRequest request, ExecOutput output) throws IOException {
    int id = nextExec.getAndAdd(2);
    var stream = new ExecStream(id, output);
    execs.put(id, stream);
    Tags tags = Tags.create();
    request.argv().forEach(a -> tags.add("arg", a));
    request.env().forEach((k, v) -> tags.add("env", k + "=" + v));
    if (request.cwd() != null) {
      tags.add("cwd", request.cwd());
    }
    tags.add("uid", "" + request.uid()).add("gid", "" + request.gid()).add("stdin", request.stdin() ? "1" : "0");
    if (request.terminal() != null) {
      tags.add("tty", "1").add("rows", "" + request.terminal().rows()).add("cols", "" + request.terminal().cols());
    }
    try {
      send(new Frame(FrameType.EXEC, id, tags.encode()));
    } catch (IOException e) {
      execs.remove(id);
      throw e;
    }
    return stream;
  }

  /**
   * Connects {@code client} (a connection a host listener accepted for a published port) to
   * {@code 127.0.0.1:guestPort} inside the guest: sends {@code OPEN kind=port} on a fresh odd
   * stream, waits for {@code OPENED}, then relays both ways on two threads under flow control
   * until both sides closed or either aborts. The caller gives up {@code client}: it is closed
   * when the stream ends, also when the guest refused ({@link GuestRefusedException} naming the
   * reason, e.g. nothing listens on the port).
   */
  public void openPort(int guestPort, SocketChannel client, Duration timeout) throws IOException, TimeoutException {
    if (guestPort < 1 || guestPort > 65535) {
      throw new IllegalArgumentException("guest port " + guestPort + " is not in 1..65535");
    }
    GuestHello guest = hello.getNow(null);
    if (guest == null || !guest.supports(GuestHello.FEATURE_PORT)) {
      client.close();
      throw new GuestRefusedException("the guest agent (" + (guest == null ? "no HELLO yet" : guest.agent())
          + ") does not support port streams; restart the sandbox with this sbx to update it");
    }
    int id = nextExec.getAndAdd(2);
    var tunnel = new Tunnel(id);
    tunnel.socket = client;
    tunnel.opening = new CompletableFuture<>();
    openTunnels.put(id, tunnel);
    try {
      send(new Frame(FrameType.OPEN, id, Tags.create().add("kind", "port").add("port", "" + guestPort).encode()));
      await(tunnel.opening, timeout, "OPENED for guest port " + guestPort);
    } catch (IOException | TimeoutException | RuntimeException e) {
      if (openTunnels.remove(id) != null) {
        trySend(new Frame(FrameType.RESET, id, Tags.create().add("error", "host gave up").encode()));
      }
      tunnel.abort();
      throw e;
    }
    Thread relay = new Thread(tunnel::relay, "sbx-port-" + guestPort + "-" + id);
    relay.setDaemon(true);
    relay.start();
  }

  /** Completes when the connection is gone (peer closed, protocol error, or {@link #close()}). */
  public CompletableFuture<Void> closedFuture() {
    return closed;
  }

  /** Egress tunnels currently open (for tests and diagnostics). */
  public int openTunnels() {
    return openTunnels.size();
  }

  public boolean isOpen() {
    return !closed.isDone();
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    finish(new IOException("agent connection closed"));
  }

  // ---- frames in ----

  private void readLoop() {
    try {
      while (true) {
        dispatch(Frame.readFrom(in));
      }
    } catch (EOFException e) {
      finish(new IOException("guest agent closed the connection"));
    } catch (IOException | RuntimeException e) {
      finish(e instanceof IOException io ? io : new IOException(e));
      try {
        channel.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  private void dispatch(Frame frame) throws IOException {
    int stream = frame.stream();
    switch (frame.type()) {
      case FrameType.HELLO -> hello.complete(parseHello(Tags.decode(frame.payload())));
      case FrameType.PING -> send(new Frame(FrameType.PONG, 0, frame.payload()));
      case FrameType.PONG -> {
        var waiting = pings.get(new String(frame.payload(), StandardCharsets.UTF_8));
        if (waiting != null) {
          waiting.complete(null);
        }
      }
      case FrameType.CONFIGURED -> {
        var waiting = configured;
        if (waiting != null) {
          waiting.complete(Tags.decode(frame.payload()));
        }
      }
      case FrameType.LOG -> guestLog.accept(new String(frame.payload(), StandardCharsets.UTF_8));
      case FrameType.STARTED -> { }
      case FrameType.STDOUT, FrameType.STDERR -> {
        ExecStream exec = execs.get(stream);
        if (exec != null) {
          exec.deliver(frame.type(), frame.payload());
        }
      }
      case FrameType.EXIT -> {
        ExecStream exec = execs.remove(stream);
        if (exec != null) {
          exec.exited(Tags.decode(frame.payload()));
        }
      }
      case FrameType.CREDIT -> {
        if (frame.payload().length != 4) {
          throw new ProtocolException("CREDIT payload must be 4 bytes, got " + frame.payload().length);
        }
        long bytes = ByteBuffer.wrap(frame.payload()).getInt() & 0xffffffffL;
        ExecStream exec = execs.get(stream);
        if (exec != null) {
          exec.window.credit(bytes);
        }
        Tunnel tunnel = openTunnels.get(stream);
        if (tunnel != null) {
          tunnel.window.credit(bytes);
        }
      }
      case FrameType.OPEN -> openTunnel(stream, Tags.decode(frame.payload()));
      case FrameType.OPENED -> {
        Tunnel tunnel = openTunnels.get(stream);
        if (tunnel != null && tunnel.opening != null) {
          tunnel.opening.complete(null);
        }
      }
      case FrameType.DATA -> {
        Tunnel tunnel = openTunnels.get(stream);
        if (tunnel != null) {
          tunnel.fromGuest(frame.payload());
        }
      }
      case FrameType.CLOSE -> {
        Tunnel tunnel = openTunnels.get(stream);
        if (tunnel != null) {
          tunnel.fromGuest(null);
        }
      }
      case FrameType.RESET -> {
        String error = frame.payload().length == 0 ? "reset" : Tags.decode(frame.payload()).first("error").orElse("reset");
        ExecStream exec = execs.remove(stream);
        if (exec != null) {
          exec.finish(new ExitStatus(255, 0, "stream reset by guest: " + error));
        }
        Tunnel tunnel = openTunnels.remove(stream);
        if (tunnel != null) {
          if (tunnel.opening != null) {
            tunnel.opening.completeExceptionally(new GuestRefusedException(error));
          }
          tunnel.abort();
        }
      }
      default -> {
        if (stream == 0) {
          throw new ProtocolException("unknown frame type 0x" + Integer.toHexString(frame.type()) + " on the control stream");
        }
        send(new Frame(FrameType.RESET, stream, Tags.create().add("error", "unknown frame type " + frame.type()).encode()));
      }
    }
  }

  private static GuestHello parseHello(Tags tags) throws ProtocolException {
    String version = tags.first("version").orElseThrow(() -> new ProtocolException("guest HELLO without version"));
    try {
      return new GuestHello(Integer.parseInt(version), tags.first("agent").orElse("?"),
          tags.first("boot_id").orElse(""), "1".equals(tags.first("ready").orElse("0")),
          java.util.Set.copyOf(tags.all("feature")));
    } catch (NumberFormatException e) {
      throw new ProtocolException("guest HELLO version is not a number: " + version);
    }
  }

  private void finish(IOException cause) {
    if (!closed.complete(null)) {
      return;
    }
    hello.completeExceptionally(cause);
    pings.values().forEach(p -> p.completeExceptionally(cause));
    var waiting = configured;
    if (waiting != null) {
      waiting.completeExceptionally(cause);
    }
    for (ExecStream exec : List.copyOf(execs.values())) {
      exec.finish(new ExitStatus(255, 0, "agent connection lost: " + cause.getMessage()));
    }
    execs.clear();
    for (Tunnel tunnel : List.copyOf(openTunnels.values())) {
      tunnel.abort();
    }
    openTunnels.clear();
  }

  // ---- frames out ----

  void send(Frame frame) throws IOException {
    byte[] bytes = frame.encode();
    synchronized (writeLock) {
      if (closed.isDone()) {
        throw new IOException("agent connection is closed");
      }
      out.write(bytes);
    }
  }

  private void sendCredit(int stream, int bytes) throws IOException {
    send(new Frame(FrameType.CREDIT, stream, ByteBuffer.allocate(4).putInt(bytes).array()));
  }

  private static <T> T await(CompletableFuture<T> future, Duration timeout, String what)
      throws IOException, TimeoutException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("no " + what + " from the guest agent within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + what, e);
    }
  }

  // ---- exec streams ----

  private final class ExecStream implements ExecProcess {
    final int id;
    final ExecOutput output;
    final FlowWindow window = new FlowWindow(WINDOW);
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    int unacknowledged;

    ExecStream(int id, ExecOutput output) {
      this.id = id;
      this.output = output;
    }

    void deliver(int type, byte[] bytes) throws IOException {
      if (type == FrameType.STDOUT) {
        output.stdout(bytes);
      } else {
        output.stderr(bytes);
      }
      unacknowledged += bytes.length;
      if (unacknowledged >= CREDIT_BATCH) {
        sendCredit(id, unacknowledged);
        unacknowledged = 0;
      }
    }

    void exited(Tags tags) {
      Optional<String> error = tags.first("error");
      if (error.isPresent()) {
        finish(ExitStatus.failedToStart(error.get()));
      } else if (tags.first("signal").isPresent()) {
        finish(ExitStatus.killed(Integer.parseInt(tags.first("signal").get())));
      } else {
        finish(ExitStatus.exited(Integer.parseInt(tags.first("code").orElse("255"))));
      }
    }

    void finish(ExitStatus status) {
      window.close();
      exit.complete(status);
    }

    @Override
    public void writeStdin(byte[] bytes) throws IOException {
      int offset = 0;
      while (offset < bytes.length) {
        int chunk = window.acquire(Math.min(Frame.MAX_PAYLOAD, bytes.length - offset));
        send(new Frame(FrameType.STDIN, id, Arrays.copyOfRange(bytes, offset, offset + chunk)));
        offset += chunk;
      }
    }

    @Override
    public void closeStdin() throws IOException {
      send(Frame.of(FrameType.STDIN, id));
    }

    @Override
    public void signal(int signal) throws IOException {
      send(new Frame(FrameType.SIGNAL, id, Tags.create().add("signal", "" + signal).encode()));
    }

    @Override
    public void resize(int rows, int cols) throws IOException {
      send(new Frame(FrameType.SIGNAL, id, Tags.create().add("rows", "" + rows).add("cols", "" + cols).encode()));
    }

    @Override
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
      try {
        return Optional.of(exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        return Optional.empty();
      } catch (ExecutionException e) {
        return Optional.of(new ExitStatus(255, 0, String.valueOf(e.getCause())));
      }
    }
  }

  // ---- egress tunnels ----

  private void openTunnel(int stream, Tags tags) throws IOException {
    if (stream == 0 || stream % 2 != 0 || openTunnels.containsKey(stream)) {
      throw new ProtocolException("guest opened stream " + stream + ", which is not a fresh even id");
    }
    if (tunnels == null || !"proxy".equals(tags.first("kind").orElse(""))) {
      send(new Frame(FrameType.RESET, stream, Tags.create().add("error", "no egress for this sandbox").encode()));
      return;
    }
    var tunnel = new Tunnel(stream);
    openTunnels.put(stream, tunnel);
    Thread connector = new Thread(tunnel::run, "sbx-tunnel-" + stream);
    connector.setDaemon(true);
    connector.start();
  }

  /** One guest connection relayed to the egress endpoint; both directions flow-controlled. */
  private final class Tunnel {
    final int id;
    final FlowWindow window = new FlowWindow(WINDOW);
    /** Bytes from the guest waiting for the host socket; an empty array marks the guest's CLOSE. */
    final LinkedBlockingQueue<byte[]> toHost = new LinkedBlockingQueue<>();
    volatile SocketChannel socket;
    volatile boolean aborted;
    /** Port streams only: completes on {@code OPENED}, fails on {@code RESET}. */
    volatile CompletableFuture<Void> opening;
    private boolean hostSideDone;
    private boolean guestSideDone;

    Tunnel(int id) {
      this.id = id;
    }

    void fromGuest(byte[] bytes) {
      toHost.add(bytes == null ? new byte[0] : bytes);
    }

    void abort() {
      aborted = true;
      var waiting = opening;
      if (waiting != null) {
        waiting.completeExceptionally(new IOException("stream aborted"));
      }
      window.close();
      toHost.add(new byte[0]);
      SocketChannel s = socket;
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }

    /** Connects, then pumps host→guest here and guest→host on a second thread. */
    void run() {
      try {
        socket = tunnels.connect();
      } catch (IOException | RuntimeException e) {
        openTunnels.remove(id);
        trySend(new Frame(FrameType.RESET, id, Tags.create().add("error", "egress unreachable: " + e.getMessage()).encode()));
        return;
      }
      if (aborted) {
        abort();
        return;
      }
      trySend(Frame.of(FrameType.OPENED, id));
      relay();
    }

    /** Pumps guest→host on a second thread and host→guest on this one. */
    void relay() {
      Thread writer = new Thread(this::guestToHost, "sbx-tunnel-w-" + id);
      writer.setDaemon(true);
      writer.start();
      hostToGuest();
    }

    /** Both directions closed: the stream is gone and the socket can go. */
    private void halfClosed(boolean hostSide) {
      boolean both;
      synchronized (this) {
        if (hostSide) {
          hostSideDone = true;
        } else {
          guestSideDone = true;
        }
        both = hostSideDone && guestSideDone;
      }
      if (both) {
        openTunnels.remove(id);
        try {
          socket.close();
        } catch (IOException ignored) {
          // done anyway
        }
      }
    }

    private void hostToGuest() {
      ByteBuffer buf = ByteBuffer.allocate(Frame.MAX_PAYLOAD);
      try {
        while (true) {
          int allowed = window.acquire(Frame.MAX_PAYLOAD);
          buf.clear().limit(allowed);
          int n = socket.read(buf);
          if (n < 0) {
            window.credit(allowed);
            send(Frame.of(FrameType.CLOSE, id));
            halfClosed(true);
            return;
          }
          window.credit(allowed - n);
          send(new Frame(FrameType.DATA, id, Arrays.copyOf(buf.array(), n)));
        }
      } catch (IOException e) {
        if (!aborted && openTunnels.remove(id) != null) {
          trySend(new Frame(FrameType.RESET, id, Tags.create().add("error", "host connection failed").encode()));
          abort();
        }
      }
    }

    private void guestToHost() {
      try {
        while (true) {
          byte[] bytes = toHost.take();
          if (aborted) {
            return;
          }
          if (bytes.length == 0) {
            socket.shutdownOutput();
            halfClosed(false);
            return;
          }
          ByteBuffer buf = ByteBuffer.wrap(bytes);
          while (buf.hasRemaining()) {
            socket.write(buf);
          }
          sendCredit(id, bytes.length);
        }
      } catch (IOException | InterruptedException e) {
        if (!aborted && openTunnels.remove(id) != null) {
          trySend(new Frame(FrameType.RESET, id, Tags.create().add("error", "host connection failed").encode()));
          abort();
        }
      }
    }
  }

  private void trySend(Frame frame) {
    try {
      send(frame);
    } catch (IOException ignored) {
      // the connection is gone; finish() cleans up
    }
  }
}

package dev.sbx.vm.fake;

import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecProcess;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxException.Kind;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.api.SandboxState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An in-memory {@link SandboxRuntime} for fast reconciler tests: no VMs, same contract. Exec
 * answers come from a handler (default: exit 0, no output). Tests can {@link #crash(String)} a
 * sandbox to see it as {@link SandboxState#EXITED}, or {@link #failNext(Kind)} to inject a fault.
 * Thread-safe.
 */
public final class FakeSandboxRuntime implements SandboxRuntime {
  private final Map<String, Entry> sandboxes = new TreeMap<>();
  private final AtomicLong pids = new AtomicLong(1000);
  private final List<String> calls = new ArrayList<>();
  private Function<ExecRequest, ExecResult> execHandler =
      r -> new ExecResult(ExitStatus.exited(0), new byte[0], new byte[0]);
  private java.util.function.BiFunction<ExecRequest, ExecOutput, ExecProcess> streamHandler;
  private Kind failNext;

  private static final class Entry {
    SandboxSpec spec;
    SandboxState state = SandboxState.STOPPED;
    long pid;
    final StringBuilder console = new StringBuilder();
    /** Guest ports that "listen": each is a real loopback server on the host standing in for it. */
    final Map<Integer, InetSocketAddress> ports = new TreeMap<>();
  }

  @Override
  public String driver() {
    return "fake";
  }

  /** Sets how exec answers. */
  public synchronized FakeSandboxRuntime onExec(Function<ExecRequest, ExecResult> handler) {
    this.execHandler = handler;
    return this;
  }

  /**
   * Sets how exec answers with a live process: the handler gets the request and the output sink and
   * returns the running process (e.g. one echoing stdin as it arrives), for tests of streaming
   * clients. Takes precedence over {@link #onExec}.
   */
  public synchronized FakeSandboxRuntime onExecStream(
      java.util.function.BiFunction<ExecRequest, ExecOutput, ExecProcess> handler) {
    this.streamHandler = handler;
    return this;
  }

  /** The next mutating call fails with this kind (retryable kinds model transient faults). */
  public synchronized void failNext(Kind kind) {
    this.failNext = kind;
  }

  /** The VM process vanished without a stop. */
  public synchronized void crash(String name) {
    Entry e = get(name);
    e.state = SandboxState.EXITED;
    e.pid = 0;
  }

  /**
   * Makes {@code guestPort} of a sandbox accept connections: {@link #connectGuestPort} relays
   * them to {@code stand_in}, a real server on the host. Other guest ports refuse.
   */
  public synchronized void serveGuestPort(String name, int guestPort, InetSocketAddress standIn) {
    get(name).ports.put(guestPort, standIn);
  }

  @Override
  public void connectGuestPort(String name, int guestPort, SocketChannel client) {
    InetSocketAddress target;
    synchronized (this) {
      calls.add("port " + name + " " + guestPort);
      Entry e = sandboxes.get(name);
      target = e == null || e.state != SandboxState.RUNNING ? null : e.ports.get(guestPort);
      if (e == null || e.state != SandboxState.RUNNING || target == null) {
        closeQuietly(client);
        if (e == null) {
          throw SandboxException.notFound(name);
        }
        if (e.state != SandboxState.RUNNING) {
          throw new SandboxException(Kind.INVALID, name, "is not running (start it first)");
        }
        throw new SandboxException(Kind.GUEST_FAILED, name,
            "connect 127.0.0.1:" + guestPort + " in the guest: Connection refused");
      }
    }
    SocketChannel guest;
    try {
      guest = SocketChannel.open(target);
    } catch (IOException ex) {
      closeQuietly(client);
      throw new SandboxException(Kind.GUEST_FAILED, name, "connect 127.0.0.1:" + guestPort + " in the guest: "
          + ex.getMessage(), ex);
    }
    var open = new java.util.concurrent.atomic.AtomicInteger(2);
    pump(client, guest, open, "fake-port-up-" + guestPort);
    pump(guest, client, open, "fake-port-down-" + guestPort);
  }

  /** Copies until EOF, then half-closes the destination; the last direction to end (or a failure) closes both. */
  private static void pump(SocketChannel from, SocketChannel to, java.util.concurrent.atomic.AtomicInteger open,
      String threadName) {
    Thread t = new Thread(() -> {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
      try {
        while (from.read(buf.clear()) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            to.write(buf);
          }
        }
        to.shutdownOutput();
        if (open.decrementAndGet() > 0) {
          return;
        }
      } catch (IOException e) {
        // a reset on either side ends both
      }
      closeQuietly(from);
      closeQuietly(to);
    }, threadName);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** The spec a sandbox was created with (what a caller asked the runtime for). */
  public synchronized Optional<SandboxSpec> spec(String name) {
    Entry e = sandboxes.get(name);
    return e == null ? Optional.empty() : Optional.of(e.spec);
  }

  /** Every call made, e.g. {@code create api}, {@code start api}, in order. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public synchronized SandboxInfo create(SandboxSpec spec) {
    record("create " + spec.name());
    if (sandboxes.containsKey(spec.name())) {
      throw new SandboxException(Kind.ALREADY_EXISTS, spec.name(), "already exists; remove it first (`sbx rm`)");
    }
    var e = new Entry();
    e.spec = spec;
    sandboxes.put(spec.name(), e);
    return info(e);
  }

  @Override
  public synchronized SandboxInfo start(String name) {
    record("start " + name);
    Entry e = get(name);
    if (e.state != SandboxState.RUNNING) {
      e.state = SandboxState.RUNNING;
      e.pid = pids.incrementAndGet();
      e.console.append("fake boot of ").append(name).append('\n');
    }
    return info(e);
  }

  @Override
  public synchronized void stop(String name) {
    record("stop " + name);
    Entry e = get(name);
    e.state = SandboxState.STOPPED;
    e.pid = 0;
  }

  @Override
  public synchronized void destroy(String name) {
    record("destroy " + name);
    sandboxes.remove(name);
  }

  @Override
  public ExecProcess exec(String name, ExecRequest request, ExecOutput output) {
    ExecResult result;
    java.util.function.BiFunction<ExecRequest, ExecOutput, ExecProcess> stream;
    synchronized (this) {
      calls.add("exec " + name + " " + String.join(" ", request.argv()));
      if (get(name).state != SandboxState.RUNNING) {
        throw new SandboxException(Kind.INVALID, name, "is not running (start it first)");
      }
      stream = streamHandler;
      result = stream == null ? execHandler.apply(request) : null;
    }
    if (stream != null) {
      return stream.apply(request, output);
    }
    if (result.stdout().length > 0) {
      output.stdout(result.stdout());
    }
    if (result.stderr().length > 0) {
      output.stderr(result.stderr());
    }
    return new ExecProcess() {
      @Override
      public void writeStdin(byte[] bytes) throws IOException {}

      @Override
      public void closeStdin() throws IOException {}

      @Override
      public void signal(int signal) throws IOException {}

      @Override
      public Optional<ExitStatus> waitFor(Duration timeout) {
        return Optional.of(result.status());
      }
    };
  }

  @Override
  public synchronized List<SandboxInfo> list() {
    return sandboxes.values().stream().map(FakeSandboxRuntime::info).toList();
  }

  @Override
  public synchronized Optional<SandboxInfo> inspect(String name) {
    return Optional.ofNullable(sandboxes.get(name)).map(FakeSandboxRuntime::info);
  }

  @Override
  public synchronized String consoleLog(String name) {
    return get(name).console.toString();
  }

  @Override
  public synchronized String startupLog(String name) {
    get(name);
    return "";
  }

  @Override
  public void close() {}

  private void record(String call) {
    calls.add(call);
    if (failNext != null) {
      Kind kind = failNext;
      failNext = null;
      throw new SandboxException(kind, call.substring(call.indexOf(' ') + 1), "injected fault (" + kind + ")");
    }
  }

  private Entry get(String name) {
    Entry e = sandboxes.get(name);
    if (e == null) {
      throw SandboxException.notFound(name);
    }
    return e;
  }

  private static SandboxInfo info(Entry e) {
    SandboxSpec s = e.spec;
    return new SandboxInfo(s.name(), s.owner(), s.specHash(), e.state,
        e.pid > 0 ? OptionalLong.of(e.pid) : OptionalLong.empty(), s.cpus(), s.memoryMib(), s.workspace(), "fake",
        List.of(), s.labels());
  }
}

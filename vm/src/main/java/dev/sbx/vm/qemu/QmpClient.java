package dev.sbx.vm.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A QMP client on QEMU's unix control socket: greeting, {@code qmp_capabilities}, commands
 * matched to replies by id, asynchronous events collected in a queue.
 */
public final class QmpClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SocketChannel channel;
  private final BufferedReader in;
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  private final AtomicLong ids = new AtomicLong();
  private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
  private volatile boolean closed;

  private QmpClient(SocketChannel channel) {
    this.channel = channel;
    this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
  }

  /** Connects, reads the greeting and negotiates capabilities. */
  public static QmpClient connect(Path socket, Duration timeout) throws IOException, TimeoutException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    var client = new QmpClient(channel);
    Thread reader = new Thread(client::readLoop, "sbx-qmp-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      client.greeting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      client.execute("qmp_capabilities", null, timeout);
    } catch (ExecutionException e) {
      client.close();
      throw new IOException("QMP greeting failed", e.getCause());
    } catch (InterruptedException e) {
      client.close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (TimeoutException | IOException e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** Runs a command and returns its {@code return} value; a QMP error is an IOException. */
  public JsonNode execute(String command, ObjectNode arguments, Duration timeout) throws IOException, TimeoutException {
    String id = "sbx-" + ids.incrementAndGet();
    ObjectNode request = JSON.createObjectNode().put("execute", command).put("id", id);
    if (arguments != null) {
      request.set("arguments", arguments);
    }
    var reply = new CompletableFuture<JsonNode>();
    pending.put(id, reply);
    try {
      byte[] bytes = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      synchronized (this) {
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
      }
      JsonNode answer = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (answer.has("error")) {
        throw new IOException("QMP " + command + ": " + answer.get("error").path("desc").asString());
      }
      return answer.get("return");
    } catch (ExecutionException e) {
      throw new IOException("QMP " + command + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      pending.remove(id);
    }
  }

  /** {@code query-status}'s {@code status}: running, paused, shutdown, … */
  public String status(Duration timeout) throws IOException, TimeoutException {
    return execute("query-status", null, timeout).path("status").asString();
  }

  /** Asks QEMU to exit at once. The connection closes as it exits. */
  public void quit(Duration timeout) throws IOException {
    try {
      execute("quit", null, timeout);
    } catch (TimeoutException | IOException e) {
      // QEMU may exit before the reply reaches us; the caller checks the process.
    }
  }

  /** Presses the ACPI power button (only useful when the guest handles it). */
  public void systemPowerdown(Duration timeout) throws IOException, TimeoutException {
    execute("system_powerdown", null, timeout);
  }

  /** The next event with that name, waiting at most {@code timeout}. */
  public JsonNode awaitEvent(String name, Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new TimeoutException("no QMP event " + name + " within " + timeout);
      }
      if (name.equals(event.path("event").asString())) {
        return event;
      }
    }
  }

  private void readLoop() {
    try {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode message = JSON.readTree(line);
        if (message.has("QMP")) {
          greeting.complete(message);
        } else if (message.has("event")) {
          events.add(message);
        } else if (message.has("id")) {
          var waiting = pending.get(message.get("id").asString());
          if (waiting != null) {
            waiting.complete(message);
          }
        }
      }
      fail(new IOException("QMP connection closed by QEMU"));
    } catch (IOException | RuntimeException e) {
      fail(e instanceof IOException io ? io : new IOException(e));
    }
  }

  private void fail(IOException cause) {
    greeting.completeExceptionally(cause);
    pending.values().forEach(p -> p.completeExceptionally(cause));
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  public boolean isClosed() {
    return closed;
  }
}

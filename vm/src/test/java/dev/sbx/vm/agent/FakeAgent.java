package dev.sbx.vm.agent;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A tiny guest-side peer for unit tests, written from PROTOCOL.md: listens where QEMU's chardev
 * would, says HELLO, answers PING/CONFIGURE, and runs three pretend commands:
 * {@code emit out:X err:Y exit:N} (writes in that order), {@code cat} (stdin to stdout), and
 * {@code flood N} (N bytes of stdout, honouring the flow-control window).
 */
final class FakeAgent implements AutoCloseable {
  final ServerSocketChannel server;
  final int version;
  volatile SocketChannel channel;
  volatile OutputStream out;
  final LinkedBlockingQueue<Frame> received = new LinkedBlockingQueue<>();
  final Map<Integer, long[]> windows = new ConcurrentHashMap<>();
  final Map<Integer, ByteArrayOutputStream> stdins = new ConcurrentHashMap<>();
  volatile boolean refuseConfigure;
  volatile Tags lastConfigure;
  /** Announce {@code feature=port}; then guest port 7 is an echo server and every other port refuses. */
  volatile boolean portFeature;
  final java.util.Set<Integer> portStreams = ConcurrentHashMap.newKeySet();
  private final Thread thread;

  /** When set, the fake stays quiet until the host says HELLO (a reconnect the guest did not see). */
  volatile boolean waitForHostHello;

  FakeAgent(Path socket, int version) throws IOException {
    this(socket, version, false);
  }

  FakeAgent(Path socket, int version, boolean waitForHostHello) throws IOException {
    this.waitForHostHello = waitForHostHello;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    this.version = version;
    this.thread = new Thread(this::serve, "fake-agent");
    thread.setDaemon(true);
    thread.start();
  }

  private void serve() {
    try {
      channel = server.accept();
      out = Channels.newOutputStream(channel);
      InputStream in = new DataInputStream(ChannelIO.in(channel));
      if (!waitForHostHello) {
        sendHello();
      }
      while (true) {
        Frame f = Frame.readFrom(in);
        received.add(f);
        handle(f);
      }
    } catch (IOException e) {
      // connection over
    }
  }

  private void sendHello() throws IOException {
    Tags hello = Tags.create().add("version", "" + version).add("agent", "fake/1").add("boot_id", "boot-1")
        .add("ready", "0");
    if (portFeature) {
      hello.add("feature", "port");
    }
    send(new Frame(FrameType.HELLO, 0, hello.encode()));
  }

  private void handle(Frame f) throws IOException {
    switch (f.type()) {
      case FrameType.HELLO -> {
        if (waitForHostHello) {
          waitForHostHello = false;
          sendHello();
        }
      }
      case FrameType.PING -> send(new Frame(FrameType.PONG, 0, f.payload()));
      case FrameType.CONFIGURE -> {
        lastConfigure = Tags.decode(f.payload());
        send(new Frame(FrameType.CONFIGURED, 0, (refuseConfigure
            ? Tags.create().add("ok", "0").add("error", "no such user")
            : Tags.create().add("ok", "1")).encode()));
      }
      case FrameType.EXEC -> exec(f.stream(), Tags.decode(f.payload()));
      case FrameType.OPEN -> {
        Tags tags = Tags.decode(f.payload());
        String port = tags.first("port").orElse("?");
        if ("port".equals(tags.first("kind").orElse("")) && "7".equals(port)) {
          portStreams.add(f.stream());
          send(Frame.of(FrameType.OPENED, f.stream()));
        } else {
          send(new Frame(FrameType.RESET, f.stream(),
              Tags.create().add("error", "connect 127.0.0.1:" + port + " in the guest: Connection refused").encode()));
        }
      }
      case FrameType.DATA -> {
        if (portStreams.contains(f.stream())) { // the echo server on guest port 7
          send(new Frame(FrameType.DATA, f.stream(), f.payload()));
          sendCredit(f.stream(), f.payload().length);
        }
      }
      case FrameType.CLOSE -> {
        if (portStreams.remove(f.stream())) {
          send(Frame.of(FrameType.CLOSE, f.stream()));
        }
      }
      case FrameType.STDIN -> {
        var buf = stdins.get(f.stream());
        if (f.payload().length == 0) {
          byte[] all = buf.toByteArray();
          for (int off = 0; off < all.length; off += Frame.MAX_PAYLOAD) {
            send(new Frame(FrameType.STDOUT, f.stream(),
                java.util.Arrays.copyOfRange(all, off, Math.min(all.length, off + Frame.MAX_PAYLOAD))));
          }
          exit(f.stream(), 0);
        } else {
          buf.writeBytes(f.payload());
          sendCredit(f.stream(), f.payload().length);
        }
      }
      case FrameType.CREDIT -> {
        long[] w = windows.get(f.stream());
        if (w != null) {
          synchronized (w) {
            w[0] += ByteBuffer.wrap(f.payload()).getInt();
            w.notifyAll();
          }
        }
      }
      default -> { }
    }
  }

  private void exec(int stream, Tags tags) throws IOException {
    List<String> argv = tags.all("arg");
    send(new Frame(FrameType.STARTED, stream, Tags.create().add("pid", "42").encode()));
    switch (argv.get(0)) {
      case "emit" -> {
        int code = 0;
        for (String a : argv.subList(1, argv.size())) {
          if (a.startsWith("out:")) {
            send(new Frame(FrameType.STDOUT, stream, a.substring(4).getBytes(StandardCharsets.UTF_8)));
          } else if (a.startsWith("err:")) {
            send(new Frame(FrameType.STDERR, stream, a.substring(4).getBytes(StandardCharsets.UTF_8)));
          } else if (a.startsWith("exit:")) {
            code = Integer.parseInt(a.substring(5));
          } else if (a.startsWith("uid")) {
            send(new Frame(FrameType.STDOUT, stream, tags.first("uid").orElse("?").getBytes(StandardCharsets.UTF_8)));
          }
        }
        exit(stream, code);
      }
      case "cat" -> stdins.put(stream, new ByteArrayOutputStream());
      case "flood" -> {
        long[] window = {AgentConnection.WINDOW};
        windows.put(stream, window);
        int total = Integer.parseInt(argv.get(1));
        Thread t = new Thread(() -> flood(stream, total, window));
        t.setDaemon(true);
        t.start();
      }
      case "missing" -> send(new Frame(FrameType.EXIT, stream,
          Tags.create().add("code", "127").add("error", "No such file or directory").encode()));
      default -> send(new Frame(FrameType.EXIT, stream, Tags.create().add("signal", "9").encode()));
    }
  }

  private void flood(int stream, int total, long[] window) {
    try {
      int sent = 0;
      while (sent < total) {
        int chunk;
        synchronized (window) {
          while (window[0] <= 0) {
            window.wait(5000);
            if (window[0] <= 0) {
              throw new IOException("host never sent CREDIT");
            }
          }
          chunk = (int) Math.min(Math.min(window[0], Frame.MAX_PAYLOAD), total - sent);
          window[0] -= chunk;
        }
        send(new Frame(FrameType.STDOUT, stream, new byte[chunk]));
        sent += chunk;
      }
      exit(stream, 0);
    } catch (IOException | InterruptedException e) {
      try {
        exit(stream, 99);
      } catch (IOException ignored) {
        // gone
      }
    }
  }

  void exit(int stream, int code) throws IOException {
    send(new Frame(FrameType.EXIT, stream, Tags.create().add("code", "" + code).encode()));
  }

  void sendCredit(int stream, int bytes) throws IOException {
    send(new Frame(FrameType.CREDIT, stream, ByteBuffer.allocate(4).putInt(bytes).array()));
  }

  synchronized void send(Frame f) throws IOException {
    out.write(f.encode());
  }

  /** Next received frame of a type, within 5 s. */
  Frame await(int type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      synchronized (seen) {
        for (var it = seen.iterator(); it.hasNext(); ) {
          Frame f = it.next();
          if (f.type() == type) {
            it.remove();
            return f;
          }
        }
      }
      Frame f = received.poll(50, TimeUnit.MILLISECONDS);
      if (f != null) {
        synchronized (seen) {
          seen.add(f);
        }
      }
    }
    throw new AssertionError("no frame of type " + type);
  }

  private final java.util.List<Frame> seen = new java.util.ArrayList<>();

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
    server.close();
  }
}

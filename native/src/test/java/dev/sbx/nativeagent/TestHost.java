package dev.sbx.nativeagent;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The host end of the agent channel in test mode: listens on a unix socket (like QEMU's
 * {@code server=on} chardev), accepts the agent, and reads frames on a thread into a queue.
 */
final class TestHost implements AutoCloseable {
    /** Queued when the agent closed the connection. */
    private static final Object EOF = new Object();

    private final Path socket;
    private final ServerSocketChannel server;
    private SocketChannel conn;
    private BlockingQueue<Object> inbox;
    private Thread reader;
    private boolean hungUp;

    private TestHost(Path socket, ServerSocketChannel server) {
        this.socket = socket;
        this.server = server;
    }

    static TestHost listen(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new TestHost(socket, server);
    }

    Path socket() {
        return socket;
    }

    /** Waits for the agent to connect. */
    void accept(Duration timeout) throws IOException {
        server.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            long deadline = System.nanoTime() + timeout.toNanos();
            SocketChannel c;
            while ((c = server.accept()) == null) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    fail("agent did not connect within " + timeout);
                }
                selector.select(left);
                selector.selectedKeys().clear();
            }
            c.configureBlocking(true);
            start(c);
        }
    }

    private void start(SocketChannel c) {
        BlockingQueue<Object> q = new LinkedBlockingQueue<>();
        this.conn = c;
        this.inbox = q;
        this.hungUp = false;
        this.reader = new Thread(() -> readLoop(c, q), "test-host-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private static void readLoop(SocketChannel c, BlockingQueue<Object> q) {
        try {
            ByteBuffer header = ByteBuffer.allocate(9);
            for (;;) {
                header.clear();
                readFully(c, header);
                int length = header.getInt(0);
                if (length < 5 || length > 5 + Frame.MAX_PAYLOAD) {
                    q.add(new IllegalStateException("agent sent a frame of length " + length));
                    return;
                }
                ByteBuffer payload = ByteBuffer.allocate(length - 5);
                readFully(c, payload);
                q.add(new Frame(header.get(4) & 0xff, header.getInt(5), payload.array()));
            }
        } catch (IOException e) {
            q.add(EOF);
        }
    }

    private static void readFully(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new EOFException();
            }
        }
    }

    void send(Frame f) throws IOException {
        sendRaw(f.encode());
    }

    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            conn.write(b);
        }
    }

    /** The next frame; fails on timeout or when the agent hung up. */
    Frame next(Duration timeout) throws InterruptedException {
        Object o = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            fail("no frame from the agent within " + timeout);
        }
        if (o == EOF) {
            fail("the agent closed the connection");
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        return (Frame) o;
    }

    /** The next frame, or null if none arrives within {@code timeout}. */
    Frame poll(Duration timeout) throws InterruptedException {
        Object o = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == EOF) {
            hungUp = true;
        }
        return o instanceof Frame f ? f : null;
    }

    /** True if a poll already saw the agent close the connection. */
    boolean hungUp() {
        return hungUp;
    }

    /** True once the agent closed the connection (frames before that are skipped). */
    boolean awaitHangup(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            if (hungUp) {
                return true;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            Object o = inbox.poll(left, TimeUnit.MILLISECONDS);
            if (o == EOF) {
                hungUp = true;
            }
        }
    }

    /** Closes the current connection (the agent sees EOF); the listener stays. */
    void disconnect() throws IOException, InterruptedException {
        if (conn != null) {
            conn.close();
            reader.join(5000);
            conn = null;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        disconnect();
        server.close();
        Files.deleteIfExists(socket);
    }
}

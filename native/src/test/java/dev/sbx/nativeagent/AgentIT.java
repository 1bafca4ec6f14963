package dev.sbx.nativeagent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real sbx-agent binary in test mode, driven over a unix socket by a test host that
 * speaks PROTOCOL.md frame by frame. PID 1 duties are covered by the vm module's VM tests.
 */
class AgentIT {
    static final Duration T = Duration.ofSeconds(20);
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path dir;

    TestHost host;
    AgentProcess agent;
    Frame hello;
    Path sysroot;
    boolean agentMayExit;

    /** The binary under test; the sanitized subclass swaps it. */
    Path binary() throws IOException {
        return GuestAgentBinary.copyTo(dir.resolve("sbx-agent"));
    }

    @BeforeEach
    void startAgent() throws Exception {
        sysroot = Files.createDirectories(dir.resolve("sysroot"));
        host = TestHost.listen(dir.resolve("agent.sock"));
        agent = AgentProcess.start(binary(), host.socket(), dir, "--sysroot", sysroot.toString());
        host.accept(T);
        hello = host.next(T);
        assertEquals(Frame.HELLO, hello.type());
        sayHello();
    }

    @AfterEach
    void stopAgent() throws Exception {
        try {
            if (!agentMayExit) {
                assertTrue(agent.isAlive(), "the agent died: " + agent.stderr());
            }
            String err = agent.stderr();
            assertFalse(err.contains("AddressSanitizer") || err.contains("runtime error"), err);
        } finally {
            agent.close();
            host.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    void sayHello() throws IOException {
        host.send(Frame.of(Frame.HELLO, 0, List.of("version=1", "host=sbx/test")));
    }

    Frame nextSkippingLogs() throws InterruptedException {
        for (;;) {
            Frame f = host.next(T);
            if (f.type() != Frame.LOG) {
                return f;
            }
        }
    }

    /** The next frame, which must be {@code type} on {@code stream}; CREDITs are skipped unless asked for. */
    Frame expect(int type, int stream) throws InterruptedException {
        Frame f = nextSkippingLogs();
        while (f.type() == Frame.CREDIT && type != Frame.CREDIT) {
            f = nextSkippingLogs();
        }
        assertEquals(type, f.type(), "frame type of " + f + (f.type() == Frame.RESET || f.type() == Frame.EXIT ? " " + f.tags() : ""));
        assertEquals(stream, f.stream(), "stream of " + f);
        return f;
    }

    Frame configure(String... tags) throws Exception {
        host.send(Frame.of(Frame.CONFIGURE, 0, List.of(tags)));
        return expect(Frame.CONFIGURED, 0);
    }

    void exec(int stream, String... tags) throws IOException {
        host.send(Frame.of(Frame.EXEC, stream, List.of(tags)));
    }

    ExecResult run(int stream, String... tags) throws Exception {
        exec(stream, tags);
        return collect(stream, 0);
    }

    /**
     * Reads one exec stream to its EXIT, granting CREDIT every 64 KiB, and checks the agent
     * never sends beyond the window. {@code alreadyReceived} bytes were read before and not
     * yet credited.
     */
    ExecResult collect(int stream, long alreadyReceived) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long window = Frame.WINDOW - alreadyReceived;
        long unacked = alreadyReceived;
        if (unacked > 0) {
            host.send(Frame.credit(stream, (int) unacked));
            window += unacked;
            unacked = 0;
        }
        int pid = -1;
        for (;;) {
            Frame f = nextSkippingLogs();
            assertEquals(stream, f.stream(), "unexpected " + f);
            switch (f.type()) {
                case Frame.STARTED -> pid = Integer.parseInt(f.tag("pid"));
                case Frame.STDOUT, Frame.STDERR -> {
                    (f.type() == Frame.STDOUT ? out : err).writeBytes(f.payload());
                    window -= f.payload().length;
                    assertTrue(window >= 0, "agent sent beyond its window");
                    unacked += f.payload().length;
                    if (unacked >= 65536) {
                        host.send(Frame.credit(stream, (int) unacked));
                        window += unacked;
                        unacked = 0;
                    }
                }
                case Frame.CREDIT -> { }
                case Frame.EXIT -> {
                    return new ExecResult(pid, out.toByteArray(), err.toByteArray(), f.tags());
                }
                default -> fail("unexpected " + f + " " + f.text());
            }
        }
    }

    static boolean procExists(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (procExists(pid)) {
            if (System.nanoTime() > deadline) {
                fail("process " + pid + " still exists");
            }
            Thread.sleep(20);
        }
    }

    /** A PING answered by the next frame proves nothing else was queued before it. */
    void assertNextIsPong() throws Exception {
        byte[] token = "probe".getBytes(StandardCharsets.UTF_8);
        host.send(new Frame(Frame.PING, 0, token));
        Frame f = nextSkippingLogs();
        assertEquals(Frame.PONG, f.type(), "expected PONG, got " + f + " " + f.text());
        assertArrayEquals(token, f.payload());
    }

    void awaitReconnect() throws Exception {
        host.accept(T);
        hello = host.next(T);
        assertEquals(Frame.HELLO, hello.type());
        sayHello();
    }

    // ---- tests -------------------------------------------------------------------------

    @Test
    void helloNamesVersionAgentAndBootId() throws Exception {
        assertEquals("1", hello.tag("version"));
        assertEquals("sbx-agent/" + GuestAgentBinary.version(), hello.tag("agent"));
        assertTrue(hello.tag("boot_id").matches("[0-9a-f-]{36}"), hello.tag("boot_id"));
        assertEquals("0", hello.tag("ready"));
        byte[] ping = new byte[1000];
        Arrays.fill(ping, (byte) 7);
        host.send(new Frame(Frame.PING, 0, ping));
        Frame pong = expect(Frame.PONG, 0);
        assertArrayEquals(ping, pong.payload());
    }

    @Test
    void commandLineVersionAndUsage() throws Exception {
        Path bin = binary();
        Process version = new ProcessBuilder(bin.toString(), "--version").redirectErrorStream(true).start();
        String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, version.waitFor());
        assertEquals("sbx-agent/" + GuestAgentBinary.version() + " protocol 1\n", text);

        Process noChannel = new ProcessBuilder(bin.toString(), "--no-init").redirectErrorStream(true).start();
        String err = new String(noChannel.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, noChannel.waitFor(), "not PID 1 and no --channel is a usage error");
        assertTrue(err.contains("--channel"), err);
    }

    @Test
    void exitCodeAndSeparateOrderedStreams() throws Exception {
        ExecResult r = run(1, "arg=sh", "arg=-c",
                "arg=for i in 1 2 3; do echo out$i; echo err$i >&2; done; exit 7");
        assertTrue(r.pid() > 0);
        assertEquals("out1\nout2\nout3\n", r.out());
        assertEquals("err1\nerr2\nerr3\n", r.err());
        assertEquals("7", r.exitTag("code"));
        assertNull(r.exitTag("signal"));
    }

    @Test
    void runsAsTheRequestedNumericUser() throws Exception {
        ExecResult r = run(1, "arg=sh", "arg=-c", "arg=id -u; id -g; id -G", "uid=65534", "gid=65534");
        if (ROOT) {
            assertEquals("0", r.exitTag("code"), r.exit().toString());
            assertEquals("65534\n65534\n65534\n", r.out(), "supplementary groups must be cleared");
        } else {
            assertEquals("127", r.exitTag("code"));
            assertTrue(r.exitTag("error").startsWith("set"), r.exitTag("error"));
        }
        ExecResult self = run(3, "arg=id", "arg=-u");
        assertEquals(ROOT ? "0\n" : "", ROOT ? self.out() : "");
    }

    @Test
    void environmentAndWorkingDirectory() throws Exception {
        assertEquals("1", configure("env=FOO=configured", "env=BAR=kept").tag("ok"));
        ExecResult r = run(1, "arg=sh", "arg=-c", "arg=echo $FOO $BAR; pwd", "env=FOO=overridden", "cwd=/tmp");
        assertEquals("overridden kept\n/tmp\n", r.out());
        ExecResult path = run(3, "arg=sh", "arg=-c", "arg=echo $PATH");
        assertTrue(path.out().contains("/usr/bin"), path.out());
        ExecResult badCwd = run(5, "arg=true", "cwd=/nonexistent/dir");
        assertEquals("127", badCwd.exitTag("code"));
        assertTrue(badCwd.exitTag("error").contains("/nonexistent/dir"), badCwd.exitTag("error"));
    }

    @Test
    void commandThatNeverStartsIsReportedAsExit127() throws Exception {
        exec(1, "arg=/no/such/binary");
        Frame exit = expect(Frame.EXIT, 1);
        assertEquals("127", exit.tag("code"));
        assertTrue(exit.tag("error").contains("No such file"), exit.tag("error"));
        exec(3, "cwd=/tmp");
        assertEquals("127", expect(Frame.EXIT, 3).tag("code"));
    }

    @Test
    void stdinStreamsUnderFlowControl() throws Exception {
        exec(1, "arg=wc", "arg=-c", "stdin=1");
        expect(Frame.STARTED, 1);
        byte[] data = new byte[3 * Frame.WINDOW + 12345];
        new java.util.Random(1).nextBytes(data);
        long window = Frame.WINDOW;
        int off = 0;
        while (off < data.length) {
            if (window == 0) {
                Frame credit = expect(Frame.CREDIT, 1);
                window += ByteBuffer.wrap(credit.payload()).getInt() & 0xffffffffL;
                continue;
            }
            int n = (int) Math.min(Math.min(Frame.MAX_PAYLOAD, window), data.length - off);
            host.send(new Frame(Frame.STDIN, 1, Arrays.copyOfRange(data, off, off + n)));
            off += n;
            window -= n;
        }
        host.send(new Frame(Frame.STDIN, 1, new byte[0]));
        ExecResult r = collect(1, 0);
        assertEquals(data.length + "\n", r.out().trim() + "\n");
        assertEquals("0", r.exitTag("code"));
    }

    @Test
    void stdinEchoesInOrder() throws Exception {
        exec(1, "arg=cat", "stdin=1");
        expect(Frame.STARTED, 1);
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String line = "line " + i + "\n";
            sent.append(line);
            host.send(new Frame(Frame.STDIN, 1, line.getBytes(StandardCharsets.UTF_8)));
        }
        host.send(new Frame(Frame.STDIN, 1, new byte[0]));
        ExecResult r = collect(1, 0);
        assertEquals(sent.toString(), r.out());
    }

    @Test
    void ttyGivesAControllingTerminalThatResizes() throws Exception {
        exec(1, "arg=sh", "arg=-c", "arg=tty; stty size; read line; echo got:$line; stty size", "tty=1", "rows=40",
                "cols=100");
        expect(Frame.STARTED, 1);
        StringBuilder out = new StringBuilder();
        while (!out.toString().contains("40 100")) {
            out.append(expect(Frame.STDOUT, 1).text());
        }
        assertTrue(out.toString().startsWith("/dev/pts/"), out.toString());
        host.send(Frame.of(Frame.SIGNAL, 1, List.of("rows=50", "cols=132")));
        host.send(new Frame(Frame.STDIN, 1, "hello\n".getBytes(StandardCharsets.UTF_8)));
        ExecResult r = collect(1, 0);
        String rest = r.out();
        assertTrue(rest.contains("got:hello"), rest);
        assertTrue(rest.contains("50 132"), rest);
        assertEquals("", r.err(), "stderr is the terminal too");
        assertEquals("0", r.exitTag("code"));

        // ^D on an empty STDIN ends the input; repeated because the end of a terminal is racy:
        // the process must not be hung up while exiting, and its last output must not be lost.
        for (int id = 3; id < 3 + 2 * 15; id += 2) {
            exec(id, "arg=cat", "tty=1");
            expect(Frame.STARTED, id);
            host.send(new Frame(Frame.STDIN, id, "abc\n".getBytes(StandardCharsets.UTF_8)));
            host.send(new Frame(Frame.STDIN, id, new byte[0]));
            ExecResult cat = collect(id, 0);
            assertEquals("0", cat.exitTag("code"), cat.exit().toString());
            assertEquals("abc\r\nabc\r\n", cat.out(), "the echo, then cat's own output");
        }
    }

    @Test
    void largeOutputStopsAtTheWindowUntilCredited() throws Exception {
        int total = 20 * 1024 * 1024;
        String pattern = "0123456789abcdefghijklmnopqrstuvwxyz";
        exec(1, "arg=sh", "arg=-c", "arg=yes " + pattern + " | head -c " + total);
        expect(Frame.STARTED, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < Frame.WINDOW) {
            Frame f = expect(Frame.STDOUT, 1);
            out.writeBytes(f.payload());
        }
        assertEquals(Frame.WINDOW, out.size(), "the agent sent beyond the initial window");
        // No CREDIT yet: nothing more may come, however long we wait.
        assertNull(host.poll(Duration.ofMillis(500)), "the agent sent past a zero window");
        assertNextIsPong();

        ExecResult rest = collect(1, Frame.WINDOW);
        out.writeBytes(rest.stdout());
        assertEquals("0", rest.exitTag("code"));
        byte[] all = out.toByteArray();
        assertEquals(total, all.length);
        byte[] line = (pattern + "\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < all.length; i++) {
            if (all[i] != line[i % line.length]) {
                fail("output differs at byte " + i);
            }
        }
    }

    @Test
    void signalGoesToTheProcessGroup() throws Exception {
        exec(1, "arg=sh", "arg=-c", "arg=sleep 60; echo not reached");
        expect(Frame.STARTED, 1);
        host.send(Frame.of(Frame.SIGNAL, 1, List.of("signal=15")));
        ExecResult r = collect(1, 0);
        assertEquals("15", r.exitTag("signal"));
        assertEquals("", r.out());
    }

    @Test
    void resetKillsTheProcessWithoutFurtherFrames() throws Exception {
        exec(1, "arg=sleep", "arg=60");
        int pid = Integer.parseInt(expect(Frame.STARTED, 1).tag("pid"));
        assertTrue(procExists(pid));
        host.send(Frame.of(Frame.RESET, 1, List.of("error=test cancelled")));
        awaitGone(pid);
        assertNextIsPong();
    }

    @Test
    void proxyTunnelCarriesBytesBothWaysAndHalfCloses() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        assertEquals("1", configure("proxy_listen=127.0.0.1:" + port).tag("ok"));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout((int) T.toMillis());
            Frame open = nextSkippingLogs();
            assertEquals(Frame.OPEN, open.type());
            int id = open.stream();
            assertEquals(0, id % 2, "guest-opened streams are even");
            assertEquals("proxy", open.tag("kind"));
            host.send(new Frame(Frame.OPENED, id, new byte[0]));

            client.getOutputStream().write("hello from guest".getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < 16) {
                got.writeBytes(expect(Frame.DATA, id).payload());
            }
            assertEquals("hello from guest", got.toString(StandardCharsets.UTF_8));

            host.send(new Frame(Frame.DATA, id, "hello from host".getBytes(StandardCharsets.UTF_8)));
            assertEquals("hello from host", new String(client.getInputStream().readNBytes(15), StandardCharsets.UTF_8));

            client.shutdownOutput();
            expect(Frame.CLOSE, id);
            host.send(new Frame(Frame.CLOSE, id, new byte[0]));
            assertEquals(-1, client.getInputStream().read());
        }
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), port)) {
            refused.setSoTimeout((int) T.toMillis());
            Frame open = expect(Frame.OPEN, 4);
            host.send(Frame.of(Frame.RESET, open.stream(), List.of("error=denied")));
            InputStream in = refused.getInputStream();
            try {
                assertEquals(-1, in.read());
            } catch (SocketException reset) {
                // a reset is the expected way to learn the host refused
            }
        }
        assertNextIsPong();
    }

    @Test
    void proxyTunnelRespectsFlowControlTowardsTheHost() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        assertEquals("1", configure("proxy_listen=127.0.0.1:" + port).tag("ok"));
        byte[] data = new byte[2 * 1024 * 1024];
        new java.util.Random(2).nextBytes(data);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            int id = expect(Frame.OPEN, 2).stream();
            host.send(new Frame(Frame.OPENED, id, new byte[0]));
            Thread writer = new Thread(() -> {
                try {
                    client.getOutputStream().write(data);
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long window = Frame.WINDOW;
            for (;;) {
                Frame f = nextSkippingLogs();
                if (f.type() == Frame.CLOSE) {
                    break;
                }
                assertEquals(Frame.DATA, f.type());
                got.writeBytes(f.payload());
                window -= f.payload().length;
                assertTrue(window >= 0, "agent sent beyond its window");
                if (window == 0) {
                    assertNull(host.poll(Duration.ofMillis(100)), "data past a zero window");
                    host.send(Frame.credit(id, Frame.WINDOW));
                    window += Frame.WINDOW;
                }
            }
            writer.join(T.toMillis());
            assertArrayEquals(data, got.toByteArray());
            host.send(new Frame(Frame.CLOSE, id, new byte[0]));
        }
    }

    @Test
    void hostReconnectGetsAFreshHelloAndProcessesSurvive() throws Exception {
        assertEquals("1", configure("env=A=1").tag("ok"));
        String bootId = hello.tag("boot_id");
        ExecResult daemon = run(1, "arg=sh", "arg=-c", "arg=sleep 60 >/dev/null 2>&1 & echo $!");
        long daemonPid = Long.parseLong(daemon.out().trim());
        exec(5, "arg=cat", "stdin=1");
        int reader = Integer.parseInt(expect(Frame.STARTED, 5).tag("pid"));
        exec(3, "arg=sh", "arg=-c", "arg=while :; do echo tick; sleep 0.05; done"); // chatty, ignores stdin
        int running = Integer.parseInt(expect(Frame.STARTED, 3).tag("pid"));
        try {
            host.disconnect();
            host.accept(T);
            Frame again = host.next(T);
            assertEquals(Frame.HELLO, again.type());
            assertEquals(bootId, again.tag("boot_id"), "same agent, same boot");
            assertEquals("1", again.tag("ready"), "configured before the reconnect");
            sayHello();

            // The old connection's streams are detached: processes run on, the new host sees no
            // frames for them, and their ids are free for the new connection.
            awaitGone(reader); // its stdin was closed when the host went away, so cat finished
            assertNextIsPong();
            assertTrue(procExists(running), "a running exec survives the host going away");
            assertTrue(procExists(daemonPid), "a background process outlives its exec stream");
            ExecResult fresh = run(3, "arg=sh", "arg=-c", "arg=echo $A");
            assertEquals("1\n", fresh.out());

            // The detached process keeps being served (its output drained) and is reaped when it ends.
            assertTrue(procExists(running));
            ProcessHandle.of(running).ifPresent(ProcessHandle::destroy);
            awaitGone(running);
            assertNextIsPong();
        } finally {
            ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(running).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void hostHelloInsideASessionIsAnsweredAndDetachesStreams() throws Exception {
        // What a host does when virtio-serial hid its reconnect from the guest (PROTOCOL.md).
        exec(1, "arg=sleep", "arg=60");
        int pid = Integer.parseInt(expect(Frame.STARTED, 1).tag("pid"));
        try {
            sayHello();
            Frame again = expect(Frame.HELLO, 0);
            assertEquals(hello.tag("boot_id"), again.tag("boot_id"));
            assertTrue(procExists(pid), "detached, not killed");
            ExecResult reused = run(1, "arg=echo", "arg=id 1 is free again");
            assertEquals("id 1 is free again\n", reused.out());
            sayHello(); // and again: each unanswered host HELLO gets one guest HELLO
            expect(Frame.HELLO, 0);
            assertNextIsPong();
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void malformedFramesDropTheConnectionNotTheAgent() throws Exception {
        List<byte[]> poison = new ArrayList<>();
        poison.add(ByteBuffer.allocate(9).putInt(0x7fffffff).put((byte) 1).putInt(0).array()); // oversized
        poison.add(ByteBuffer.allocate(9).putInt(65542).put((byte) 0x22).putInt(1).array()); // one too long
        poison.add(ByteBuffer.allocate(9).putInt(3).put((byte) 1).putInt(0).array()); // shorter than a header
        poison.add("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // garbage
        poison.add(new Frame(0x7f, 0, new byte[] {1, 2, 3}).encode()); // unknown type on stream 0
        poison.add(new Frame(Frame.STDOUT, 0, new byte[] {1}).encode()); // guest-only type on stream 0
        poison.add(new Frame(Frame.HELLO, 0, new byte[] {0, 0, 0, 9}).encode()); // malformed HELLO
        for (byte[] p : poison) {
            host.sendRaw(p);
            assertTrue(host.awaitHangup(T), "the agent should drop the connection");
            host.disconnect();
            awaitReconnect();
            assertNextIsPong();
        }
        assertTrue(agent.isAlive());
    }

    @Test
    void randomFramesNeverCrashTheAgent() throws Exception {
        java.util.Random rnd = new java.util.Random(20261123);
        int[] types = {Frame.HELLO, Frame.PING, Frame.PONG, Frame.CONFIGURE, Frame.CONFIGURED, Frame.LOG,
            Frame.STARTED, Frame.STDIN, Frame.STDOUT, Frame.STDERR, Frame.EXIT, Frame.SIGNAL, Frame.OPEN,
            Frame.OPENED, Frame.DATA, Frame.CLOSE, Frame.RESET, Frame.CREDIT, 0x00, 0x08, 0x31, 0xff};
        int drops = 0;
        for (int i = 0; i < 300; i++) {
            if (i % 50 == 0 && !host.hungUp()) {
                exec(1001 + 2 * i, "arg=sleep", "arg=30", "stdin=1"); // a live stream to aim at
            }
            int type = types[rnd.nextInt(types.length)];
            int stream = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 1001 + 2 * (i - i % 50);
                case 2 -> rnd.nextInt(8);
                default -> rnd.nextInt();
            };
            byte[] payload;
            if (rnd.nextBoolean()) {
                payload = new byte[rnd.nextInt(rnd.nextBoolean() ? 16 : 70000 - 9)];
                rnd.nextBytes(payload);
                if (payload.length > Frame.MAX_PAYLOAD) {
                    payload = Arrays.copyOf(payload, Frame.MAX_PAYLOAD);
                }
            } else {
                List<String> tags = new ArrayList<>();
                for (int k = rnd.nextInt(4); k > 0; k--) {
                    tags.add(List.of("signal=", "error=", "ok=", "kind=", "x=").get(rnd.nextInt(5)) + rnd.nextInt(100));
                }
                payload = TaggedList.encode(tags);
            }
            // Then PING and read up to its PONG; a dropped connection comes back with HELLO.
            boolean sent;
            try {
                host.send(new Frame(type, stream, payload));
                host.send(new Frame(Frame.PING, 0, new byte[] {(byte) i}));
                sent = true;
            } catch (IOException dropped) {
                sent = false; // the agent already hung up on the first frame
            }
            if (!sent || !awaitPongOrHangup((byte) i)) {
                drops++;
                host.disconnect();
                awaitReconnect();
            }
            assertTrue(agent.isAlive(), "agent died after frame " + i + " type " + type);
        }
        assertTrue(drops > 0, "some frames (unknown types on stream 0) must have dropped the connection");
        assertNextIsPong();
    }

    private boolean awaitPongOrHangup(byte token) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline) {
            Frame f = host.poll(Duration.ofMillis(200));
            if (f == null) {
                if (host.awaitHangup(Duration.ofMillis(1))) {
                    return false;
                }
                continue;
            }
            if (f.type() == Frame.PONG && f.payload().length == 1 && f.payload()[0] == token) {
                return true;
            }
        }
        return false;
    }

    @Test
    void badStreamFramesGetResetOrAreIgnored() throws Exception {
        exec(1, "arg=sleep", "arg=60");
        int pid = Integer.parseInt(expect(Frame.STARTED, 1).tag("pid"));
        host.send(new Frame(0x55, 1, new byte[] {1})); // unknown type on an exec stream
        Frame reset = expect(Frame.RESET, 1);
        assertTrue(reset.tag("error").contains("0x55"), reset.tag("error"));
        awaitGone(pid);

        host.send(new Frame(Frame.EXEC, 3, new byte[] {0, 0, 3, (byte) 0xe8, 0, 0})); // malformed list
        Frame bad = expect(Frame.EXIT, 3);
        assertEquals("127", bad.tag("code"));
        assertNotNull(bad.tag("error"));

        exec(4, "arg=true"); // EXEC on an even id
        expect(Frame.RESET, 4);

        exec(5, "arg=sleep", "arg=60");
        int second = Integer.parseInt(expect(Frame.STARTED, 5).tag("pid"));
        exec(5, "arg=true"); // id in use
        expect(Frame.RESET, 5);
        host.send(new Frame(Frame.CREDIT, 5, new byte[] {1, 2, 3})); // CREDIT must be 4 bytes
        expect(Frame.RESET, 5);
        awaitGone(second);

        host.send(new Frame(Frame.STDIN, 99, new byte[] {1})); // no such stream: ignored
        host.send(Frame.credit(1, 100)); // late CREDIT for an ended stream: ignored
        assertNextIsPong();
    }

    @Test
    void configureWritesUserCaAndHostnameIdempotently() throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
        String[] tags = {"hostname=box-1", "user=agent:1000:1000:/home/agent", "ca=" + pem,
                "mount=workspace:/work/space:rw"};
        for (int round = 0; round < 2; round++) {
            Frame done = configure(tags);
            assertEquals("1", done.tag("ok"), done.tags().toString());
        }
        String passwd = Files.readString(sysroot.resolve("etc/passwd"));
        assertEquals(1, count(passwd, "agent:x:1000:1000:agent:/home/agent:/bin/"), passwd);
        assertEquals(1, count(passwd, "root:x:0:0:"), passwd);
        assertEquals(1, count(Files.readString(sysroot.resolve("etc/group")), "agent:x:1000:"));
        Path home = sysroot.resolve("home/agent");
        assertTrue(Files.isDirectory(home));
        if (ROOT) {
            assertEquals(1000, Files.getAttribute(home, "unix:uid"));
            assertEquals(1000, Files.getAttribute(home, "unix:gid"));
        }
        assertEquals(1, count(Files.readString(sysroot.resolve("etc/ssl/certs/ca-certificates.crt")), pem));
        assertEquals(pem, Files.readString(sysroot.resolve("etc/sbx/ca.pem")));
        assertEquals("box-1\n", Files.readString(sysroot.resolve("etc/hostname")));

        if (ROOT) { // uid= alone: the user's group and names come from the (sysroot's) passwd
            ExecResult asAgent = run(1, "arg=sh", "arg=-c", "arg=id -u; id -g; echo $USER $LOGNAME $HOME", "uid=1000");
            assertEquals("1000\n1000\nagent agent /home/agent\n", asAgent.out(), asAgent.exit().toString());
        }

        Frame bad = configure("mount=nonsense", "proxy_listen=not-an-address");
        assertEquals("0", bad.tag("ok"));
        assertTrue(bad.tag("error").contains("mount=nonsense"), bad.tag("error"));
        assertTrue(bad.tag("error").contains("proxy_listen=not-an-address"), bad.tag("error"));
    }

    @Test
    void shutdownEndsProcessesAndTheAgent() throws Exception {
        exec(1, "arg=sleep", "arg=60");
        int pid = Integer.parseInt(expect(Frame.STARTED, 1).tag("pid"));
        agentMayExit = true;
        host.send(new Frame(Frame.SHUTDOWN, 0, new byte[0]));
        assertEquals(0, agent.awaitExit(T));
        awaitGone(pid);
    }

    // ---- port streams (OPEN kind=port, host-opened) ----------------------------------------

    /** A loopback port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void portStreamConnectsToAGuestPortCarriesBytesAndHalfCloses() throws Exception {
        assertEquals(List.of("port"), TaggedList.all(hello.tags(), "feature"));
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout((int) T.toMillis());
            host.send(Frame.of(Frame.OPEN, 1, List.of("kind=port", "port=" + server.getLocalPort())));
            try (Socket guestSide = server.accept()) {
                guestSide.setSoTimeout((int) T.toMillis());
                expect(Frame.OPENED, 1);
                host.send(new Frame(Frame.DATA, 1, "GET / from host".getBytes(StandardCharsets.UTF_8)));
                assertEquals("GET / from host",
                        new String(guestSide.getInputStream().readNBytes(15), StandardCharsets.UTF_8));
                guestSide.getOutputStream().write("reply from guest".getBytes(StandardCharsets.UTF_8));
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                while (got.size() < 16) {
                    got.writeBytes(expect(Frame.DATA, 1).payload());
                }
                assertEquals("reply from guest", got.toString(StandardCharsets.UTF_8));
                // host half-closes first: the guest server sees EOF, can still answer
                host.send(new Frame(Frame.CLOSE, 1, new byte[0]));
                assertEquals(-1, guestSide.getInputStream().read());
                guestSide.getOutputStream().write("after eof".getBytes(StandardCharsets.UTF_8));
                assertEquals("after eof", new String(expect(Frame.DATA, 1).payload(), StandardCharsets.UTF_8));
                guestSide.shutdownOutput();
                expect(Frame.CLOSE, 1);
            }
            // data sent right behind OPEN (before OPENED) is delivered once connected
            host.send(Frame.of(Frame.OPEN, 3, List.of("kind=port", "port=" + server.getLocalPort())));
            host.send(new Frame(Frame.DATA, 3, "eager".getBytes(StandardCharsets.UTF_8)));
            try (Socket guestSide = server.accept()) {
                guestSide.setSoTimeout((int) T.toMillis());
                expect(Frame.OPENED, 3);
                assertEquals("eager", new String(guestSide.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
                assertEquals(5, ByteBuffer.wrap(expect(Frame.CREDIT, 3).payload()).getInt(), "consumed bytes credited");
                host.send(Frame.of(Frame.RESET, 3, List.of("error=host client went away")));
                try {
                    assertEquals(-1, guestSide.getInputStream().read());
                } catch (SocketException reset) {
                    // RST is how an aborted stream looks to the guest server
                }
            }
        }
        assertNextIsPong();
    }

    @Test
    void portStreamToAClosedPortIsResetWithTheReason() throws Exception {
        int port = closedPort();
        host.send(Frame.of(Frame.OPEN, 1, List.of("kind=port", "port=" + port)));
        Frame reset = expect(Frame.RESET, 1);
        assertTrue(reset.tag("error").contains("127.0.0.1:" + port) && reset.tag("error").contains("refused"),
                reset.tag("error"));

        host.send(Frame.of(Frame.OPEN, 3, List.of("kind=proxy")));
        assertTrue(expect(Frame.RESET, 3).tag("error").contains("kind=port"));
        host.send(Frame.of(Frame.OPEN, 5, List.of("kind=port", "port=70000")));
        assertTrue(expect(Frame.RESET, 5).tag("error").contains("port=70000"));
        host.send(Frame.of(Frame.OPEN, 7, List.of("kind=port")));
        expect(Frame.RESET, 7);
        host.send(Frame.of(Frame.OPEN, 8, List.of("kind=port", "port=" + port))); // even id: guest's
        assertTrue(expect(Frame.RESET, 8).tag("error").contains("odd"));
        exec(9, "arg=sleep", "arg=60");
        int pid = Integer.parseInt(expect(Frame.STARTED, 9).tag("pid"));
        host.send(Frame.of(Frame.OPEN, 9, List.of("kind=port", "port=" + port))); // id in use
        expect(Frame.RESET, 9);
        host.send(Frame.of(Frame.RESET, 9, List.of("error=done")));
        awaitGone(pid);
        assertNextIsPong();
    }

    @Test
    void portStreamMovesMegabytesBothWaysUnderFlowControl() throws Exception {
        byte[] up = new byte[3 * 1024 * 1024];
        byte[] down = new byte[5 * 1024 * 1024 + 17];
        new java.util.Random(10).nextBytes(up);
        new java.util.Random(11).nextBytes(down);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout((int) T.toMillis());
            host.send(Frame.of(Frame.OPEN, 1, List.of("kind=port", "port=" + server.getLocalPort())));
            try (Socket guestSide = server.accept()) {
                expect(Frame.OPENED, 1);
                // the guest server: read everything the host sends, then answer with `down`
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                Thread guestServer = new Thread(() -> {
                    try {
                        received.writeBytes(guestSide.getInputStream().readAllBytes());
                        guestSide.getOutputStream().write(down);
                        guestSide.shutdownOutput();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                guestServer.start();
                // host → guest within the window the agent grants with CREDIT
                long sendWindow = Frame.WINDOW;
                int offset = 0;
                while (offset < up.length) {
                    while (sendWindow == 0) {
                        Frame credit = expect(Frame.CREDIT, 1);
                        sendWindow += ByteBuffer.wrap(credit.payload()).getInt() & 0xffffffffL;
                    }
                    int chunk = (int) Math.min(Math.min(Frame.MAX_PAYLOAD, sendWindow), up.length - offset);
                    host.send(new Frame(Frame.DATA, 1, Arrays.copyOfRange(up, offset, offset + chunk)));
                    offset += chunk;
                    sendWindow -= chunk;
                }
                host.send(new Frame(Frame.CLOSE, 1, new byte[0]));
                // guest → host: never beyond the window, a zero window really stops the agent
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                long window = Frame.WINDOW;
                boolean stalledOnce = false;
                for (;;) {
                    Frame f = nextSkippingLogs();
                    if (f.type() == Frame.CREDIT) {
                        continue;
                    }
                    if (f.type() == Frame.CLOSE) {
                        break;
                    }
                    assertEquals(Frame.DATA, f.type(), f + " " + f.text());
                    got.writeBytes(f.payload());
                    window -= f.payload().length;
                    assertTrue(window >= 0, "agent sent beyond its window");
                    if (window == 0) {
                        if (!stalledOnce) {
                            Frame extra = host.poll(Duration.ofMillis(200));
                            assertTrue(extra == null || extra.type() == Frame.CREDIT, "data past a zero window: " + extra);
                            stalledOnce = true;
                        }
                        host.send(Frame.credit(1, Frame.WINDOW));
                        window += Frame.WINDOW;
                    }
                }
                guestServer.join(T.toMillis());
                assertArrayEquals(up, received.toByteArray());
                assertArrayEquals(down, got.toByteArray());
                assertTrue(stalledOnce);
            }
        }
        assertNextIsPong();
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}

package dev.sbx.nativeagent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark harness (not a test): the real agent in test mode on a unix socket. Measures PING
 * round trips, EXEC-to-EXIT of {@code true}, stdout throughput under flow control, and the
 * agent's resident memory. Run:
 * {@code ./mvnw -B -q -o test-compile exec:java -pl native -Dexec.mainClass=dev.sbx.nativeagent.AgentBench -Dexec.classpathScope=test}
 */
public final class AgentBench {
    private static final Duration T = Duration.ofSeconds(60);

    private AgentBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sbx-agent-bench");
        try (TestHost host = TestHost.listen(dir.resolve("agent.sock"));
                AgentProcess agent = AgentProcess.start(GuestAgentBinary.copyTo(dir.resolve("sbx-agent")),
                        host.socket(), dir)) {
            host.accept(T);
            host.next(T);
            host.send(Frame.of(Frame.HELLO, 0, List.of("version=1", "host=sbx/bench")));

            long[] ping = new long[2000];
            for (int i = 0; i < ping.length; i++) {
                long t0 = System.nanoTime();
                host.send(new Frame(Frame.PING, 0, new byte[8]));
                while (host.next(T).type() != Frame.PONG) { }
                ping[i] = System.nanoTime() - t0;
            }
            long rssIdle = rssKb(agent.pid());

            long[] exec = new long[300];
            int id = 1;
            for (int i = 0; i < exec.length; i++, id += 2) {
                long t0 = System.nanoTime();
                host.send(Frame.of(Frame.EXEC, id, List.of("arg=true")));
                while (host.next(T).type() != Frame.EXIT) { }
                exec[i] = System.nanoTime() - t0;
            }

            long bytes = 512L << 20;
            host.send(Frame.of(Frame.EXEC, id, List.of("arg=head", "arg=-c", "arg=" + bytes, "arg=/dev/zero")));
            long got = 0;
            long unacked = 0;
            long t0 = System.nanoTime();
            long rssBusy = 0;
            for (;;) {
                Frame f = host.next(T);
                if (f.type() == Frame.EXIT) {
                    break;
                }
                if (f.type() == Frame.STDOUT) {
                    got += f.payload().length;
                    unacked += f.payload().length;
                    if (unacked >= 65536) {
                        host.send(Frame.credit(id, (int) unacked));
                        unacked = 0;
                    }
                    if (rssBusy == 0 && got > bytes / 2) {
                        rssBusy = rssKb(agent.pid());
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("PING round trip:        median %.0f us, p99 %.0f us (n=%d)%n",
                    pct(ping, 50) / 1e3, pct(ping, 99) / 1e3, ping.length);
            System.out.printf("EXEC true -> EXIT:      median %.2f ms, p99 %.2f ms (n=%d)%n",
                    pct(exec, 50) / 1e6, pct(exec, 99) / 1e6, exec.length);
            System.out.printf("stdout throughput:      %.0f MiB/s (%d MiB, 256 KiB window, CREDIT per 64 KiB)%n",
                    got / secs / (1 << 20), got >> 20);
            System.out.printf("agent RSS:              %d KiB idle, %d KiB while streaming%n", rssIdle, rssBusy);
            host.disconnect();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long pct(long[] samples, int p) {
        long[] s = samples.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, s.length * p / 100)];
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}

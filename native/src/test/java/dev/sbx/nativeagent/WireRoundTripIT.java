package dev.sbx.nativeagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the agent's tagged-list parser and exec path, checked end to end against the
 * real binary: whatever strings the host sends as {@code arg=} and {@code env=} values reach
 * the process byte for byte, '=' and newlines included.
 */
class WireRoundTripIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static Path dir;
    private static TestHost host;
    private static AgentProcess agent;
    private static int nextStream = 1;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("sbx-agent-props");
        host = TestHost.listen(dir.resolve("agent.sock"));
        agent = AgentProcess.start(GuestAgentBinary.copyTo(dir.resolve("sbx-agent")), host.socket(), dir);
        host.accept(T);
        host.next(T);
        host.send(Frame.of(Frame.HELLO, 0, List.of("version=1", "host=sbx/props")));
    }

    @AfterContainer
    static void stop() throws Exception {
        assertTrue(agent.isAlive(), "the agent died");
        agent.close();
        host.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** UTF-8-encodable text without NUL (argv and environ cannot carry NUL). */
    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings()
                .withCharRange('\u0001', '\u007f')
                .withCharRange('\u0080', '\ud7ff')
                .withCharRange('\ue000', '\ufffd')
                .ofMaxLength(60);
    }

    @Property(tries = 150)
    void argvArrivesExactly(@ForAll("argLists") List<String> args) throws Exception {
        List<String> tags = new ArrayList<>(List.of("arg=sh", "arg=-c", "arg=cat /proc/$$/cmdline", "arg=sh"));
        args.forEach(a -> tags.add("arg=" + a));
        List<String> argv = split(run(tags));
        assertEquals(args, argv.subList(4, argv.size()));
    }

    @Provide
    Arbitrary<List<String>> argLists() {
        return text().list().ofMaxSize(12);
    }

    @Property(tries = 100)
    void environmentValuesArriveExactly(@ForAll("text") String value, @ForAll("text") String other) throws Exception {
        List<String> environ = split(run(List.of("arg=cat", "arg=/proc/self/environ",
                "env=SBX_A=" + value, "env=SBX_B=" + other, "env=SBX_A=" + value + "!")));
        assertTrue(environ.contains("SBX_A=" + value + "!"), "a later env= replaces an earlier one");
        assertTrue(environ.contains("SBX_B=" + other));
        assertEquals(1, environ.stream().filter(e -> e.startsWith("SBX_A=")).count());
    }

    private static byte[] run(List<String> tags) throws Exception {
        int id = nextStream;
        nextStream += 2;
        host.send(Frame.of(Frame.EXEC, id, tags));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (;;) {
            Frame f = host.next(T);
            if (f.type() == Frame.STDOUT) {
                out.writeBytes(f.payload());
            } else if (f.type() == Frame.EXIT) {
                assertEquals("0", f.tag("code"), f.tags().toString());
                return out.toByteArray();
            }
        }
    }

    /** NUL-terminated strings, as /proc lays out cmdline and environ. */
    private static List<String> split(byte[] bytes) {
        List<String> items = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                items.add(new String(Arrays.copyOfRange(bytes, start, i), StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return items;
    }
}

package dev.sbx.nativeagent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real sbx-agent binary running in test mode ({@code --channel PATH --no-init}). */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path stderr;

    private AgentProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
    }

    static AgentProcess start(Path binary, Path socket, Path dir, String... extraArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--channel", socket.toString(), "--no-init"));
        cmd.addAll(List.of(extraArgs));
        Path err = dir.resolve("agent.stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        // Sanitized builds: report, never leak-check a process that is killed anyway.
        pb.environment().put("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1");
        pb.environment().put("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
        return new AgentProcess(pb.start(), err);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Exit code, waiting at most {@code timeout}; -1 if still running. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    String stderr() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly); // what the test left running
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}

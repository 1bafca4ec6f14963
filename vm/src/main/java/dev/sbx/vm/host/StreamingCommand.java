package dev.sbx.vm.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a long host tool (debootstrap) with a deadline, handing each line of its merged
 * stdout/stderr to {@code lines} as it comes, and keeping the last lines for the error message.
 */
public final class StreamingCommand {
  private StreamingCommand() {}

  /** Exit code and the last 20 output lines. */
  public record Result(int exitCode, List<String> tail) {}

  public static Result run(List<String> argv, Duration timeout, Consumer<String> lines) throws IOException,
      InterruptedException {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    Deque<String> tail = new ArrayDeque<>();
    Thread reader = new Thread(() -> {
      try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > 20) {
              tail.removeFirst();
            }
          }
          lines.accept(line);
        }
      } catch (IOException ignored) {
        // the process ended; its exit code says how
      }
    }, "sbx-" + argv.get(0) + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        reader.join(2000);
        synchronized (tail) {
          return new Result(-1, List.copyOf(tail));
        }
      }
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw e;
    }
    reader.join(5000);
    synchronized (tail) {
      return new Result(process.exitValue(), List.copyOf(tail));
    }
  }
}

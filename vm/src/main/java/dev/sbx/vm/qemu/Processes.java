package dev.sbx.vm.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Looks at host processes through /proc, so a stale pid is never taken for our VM. */
public final class Processes {
  private Processes() {}

  /** Whether {@code pid} runs (not a zombie) and its command line contains {@code marker}. */
  public static boolean isRunning(long pid, String marker) {
    if (pid <= 0) {
      return false;
    }
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
      int close = stat.lastIndexOf(')');
      if (close > 0 && close + 2 < stat.length()) {
        char state = stat.charAt(close + 2);
        if (state == 'Z' || state == 'X') {
          return false;
        }
      }
      String cmdline = Files.readString(proc.resolve("cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
      return cmdline.contains(marker);
    } catch (IOException e) {
      return false;
    }
  }

  /** Resident set size in KiB, from /proc/PID/status. */
  public static Optional<Long> rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Waits until the process is gone or {@code timeout} passes; true when gone. */
  public static boolean awaitExit(long pid, String marker, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    var handle = ProcessHandle.of(pid);
    while (isRunning(pid, marker)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      if (handle.isPresent()) {
        try {
          handle.get().onExit().get(50, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          // poll again
        }
      } else {
        Thread.sleep(50);
      }
    }
    return true;
  }

  /** SIGKILL, only if the pid is still the process we mean. */
  public static void kill(long pid, String marker) {
    if (isRunning(pid, marker)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** SIGTERM, only if the pid is still the process we mean. */
  public static void terminate(long pid, String marker) {
    if (isRunning(pid, marker)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
  }
}

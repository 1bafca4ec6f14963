package dev.sbx.vm.microvm;

import dev.sbx.vm.api.Mount;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.qemu.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One virtiofsd per shared directory. QEMU 7.2's C virtiofsd has no read-only option, so a
 * read-only share runs virtiofsd in its own mount namespace where the source is a read-only bind
 * mount: the host kernel refuses writes (EROFS) whatever the guest does, even as guest root.
 * virtiofsd exits by itself when QEMU disconnects; the runtime also kills it by pid on stop.
 */
final class VirtiofsDaemon {
  static final String DEFAULT_BINARY = "/usr/lib/qemu/virtiofsd";
  private static final Duration SOCKET_WAIT = Duration.ofSeconds(10);

  private VirtiofsDaemon() {}

  static List<String> argv(String binary, Mount mount, Path socket) {
    String source = mount.hostPath().toString();
    if (source.contains(",")) {
      throw new SandboxException(SandboxException.Kind.INVALID, null,
          "shared path " + source + " contains a comma, which virtiofsd cannot take; rename it");
    }
    var daemon = List.of(binary, "--socket-path=" + socket, "-o", "source=" + source, "-o", "sandbox=chroot",
        "-o", "cache=none");
    if (!mount.readOnly()) {
      return daemon;
    }
    var argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
        "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$@\"", "sbx-ro-share",
        source));
    argv.addAll(daemon);
    return argv;
  }

  /** Starts the daemon and waits for its socket; returns its pid. */
  static long start(String binary, Mount mount, Path socket, Path log) throws IOException, InterruptedException {
    if (!Files.isDirectory(mount.hostPath())) {
      throw new SandboxException(SandboxException.Kind.INVALID, null,
          "shared directory " + mount.hostPath() + " does not exist; create it or fix the mount");
    }
    Files.deleteIfExists(socket);
    Process process = new ProcessBuilder(Detached.argv(argv(binary, mount, socket))).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
    while (!Files.exists(socket)) {
      if (!process.isAlive()) {
        throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null, "virtiofsd for " + mount.hostPath()
            + " exited with code " + process.exitValue() + ": " + Files.readString(log).strip());
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null,
            "virtiofsd for " + mount.hostPath() + " did not create its socket within " + SOCKET_WAIT.toSeconds() + " s");
      }
      Thread.sleep(10);
    }
    return process.pid();
  }

  static void stop(long pid, Path socket) throws InterruptedException {
    String marker = socket.toString();
    Processes.terminate(pid, marker);
    if (!Processes.awaitExit(pid, marker, Duration.ofSeconds(3))) {
      Processes.kill(pid, marker);
      Processes.awaitExit(pid, marker, Duration.ofSeconds(3));
    }
  }
}

package dev.sbx.vm.api;

import java.io.ByteArrayOutputStream;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The contract every sandbox runtime implements (QEMU microvm now; Firecracker, Cloud
 * Hypervisor, Kata later). All methods are idempotent where that makes sense: starting a running
 * sandbox, stopping a stopped one or destroying a missing one is not an error.
 *
 * <p>{@link #list()} and {@link #inspect(String)} report what really runs: they look at the
 * processes, not at a cache. Every sandbox carries the owner and spec hash it was created with.
 *
 * <p>Errors are {@link SandboxException}s whose kind says whether to retry.
 */
public interface SandboxRuntime extends AutoCloseable {

  /** The driver's name, e.g. {@code qemu-microvm} or {@code fake}. */
  String driver();

  /** Prepares a sandbox (metadata, writable disk) without starting it. */
  SandboxInfo create(SandboxSpec spec);

  /**
   * Boots the sandbox and returns once its guest agent answers and the spec was applied
   * (configure, kit files, install commands once, startup commands). Startup command failures
   * do not fail the start; they are in {@link SandboxInfo#failures()} and the startup log.
   */
  SandboxInfo start(String name);

  /** Stops gracefully (guest shutdown, then harder ways); disk and metadata stay. */
  void stop(String name);

  /** Stops if needed and removes everything the sandbox had: process, sockets, disk, files. */
  void destroy(String name);

  /** Starts a command in a running sandbox; output streams to {@code output}. */
  ExecProcess exec(String name, ExecRequest request, ExecOutput output);

  /** Runs a short command and collects its output; fails if it outlives {@code timeout}. */
  default ExecResult run(String name, ExecRequest request, Duration timeout) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    ExecProcess process = exec(name, request, new ExecOutput() {
      @Override
      public synchronized void stdout(byte[] bytes) {
        out.writeBytes(bytes);
      }

      @Override
      public synchronized void stderr(byte[] bytes) {
        err.writeBytes(bytes);
      }
    });
    try {
      ExitStatus status = process.waitFor(timeout).orElseThrow(() -> new SandboxException(
          SandboxException.Kind.GUEST_FAILED, name, "command " + request.argv() + " still running after " + timeout));
      // The exit frame is the last of a stream: all output was delivered before waitFor returned.
      return new ExecResult(status, out.toByteArray(), err.toByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException(SandboxException.Kind.IO, name, "interrupted while waiting for " + request.argv(), e);
    }
  }

  /**
   * Connects {@code client}, a connection accepted on a published host port, to
   * {@code 127.0.0.1:guestPort} inside a running sandbox and relays bytes both ways in the
   * background until either side closes. Returns once the guest side is connected. The runtime
   * takes ownership of {@code client}: it is closed when the relay ends or the connect fails.
   *
   * @throws SandboxException {@code GUEST_FAILED} when nothing accepts on the guest port
   *     (connection refused), {@code INVALID} when the sandbox does not run, {@code IO} when the
   *     guest agent cannot be reached
   */
  default void connectGuestPort(String name, int guestPort, SocketChannel client) {
    try {
      client.close();
    } catch (java.io.IOException ignored) {
      // refusing anyway
    }
    throw new SandboxException(SandboxException.Kind.INVALID, name, "the " + driver() + " driver cannot forward ports");
  }

  /** Every sandbox this runtime owns, with its observed state. */
  List<SandboxInfo> list();

  /** One sandbox, or empty when it does not exist. */
  Optional<SandboxInfo> inspect(String name);

  /** The guest serial console of the current or last boot. */
  String consoleLog(String name);

  /** Output of the kit startup commands of the current or last start. */
  String startupLog(String name);

  /** Releases host-side connections; running sandboxes keep running. */
  @Override
  void close();
}

package dev.sbx.reconciler.doctor;

import dev.sbx.secrets.api.KeySourceStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@link Doctor} asks of the host, so the checks are pure and unit tests can hand in a
 * fake host. {@link RealHostProbe} answers from this machine.
 */
public interface HostProbe {
  /** The environment (SBX_QEMU, SBX_KERNEL, SBX_ACCEL, …). */
  Map<String, String> env();

  /** An executable by absolute path, or found on PATH. */
  Optional<Path> executable(String nameOrPath);

  /** The first line of {@code argv}'s output when it exits 0 within a few seconds. */
  Optional<String> firstLine(List<String> argv);

  boolean exists(Path path);

  boolean isRegularFile(Path path);

  /** True when {@code device} can be opened for reading and writing (e.g. /dev/kvm). */
  boolean opensReadWrite(Path device);

  /** The entries of a directory (empty when it does not exist). */
  List<Path> list(Path dir);

  /** Bytes free for this user on the file system that holds {@code dir} (or its nearest existing parent). */
  long usableBytes(Path dir);

  /** POSIX permissions as {@code rw-------}, when the file exists. */
  Optional<String> permissions(Path file);

  /**
   * The accelerator verdict of the vm module ({@code accel=auto}): the cached one, or one probe
   * boot that is then cached. Empty with the reason when it cannot be had (no kernel yet).
   */
  Accel accel();

  /** A verdict, or why there is none. */
  record Accel(Optional<String> accel, String reason) {}

  /** The secret store's key backends, preferred first. */
  List<KeySourceStatus> keySources();

  /** The local daemon's {@code /v1/version} answer as JSON text, when one answers. */
  Optional<String> daemonVersion();
}

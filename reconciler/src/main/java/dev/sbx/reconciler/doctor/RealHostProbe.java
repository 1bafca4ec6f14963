package dev.sbx.reconciler.doctor;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.secrets.KeySources;
import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.api.KeySourceStatus;
import dev.sbx.vm.microvm.MicrovmRuntime;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** {@link HostProbe} on this machine: files, PATH, short commands, the vm module's accel verdict. */
public final class RealHostProbe implements HostProbe {
  private final Map<String, String> env;
  private final Path stateDir;
  private final Path secretsDir;
  private final MicrovmRuntime.Options vmOptions;

  /**
   * @param stateDir the daemon's state directory (its socket says whether it runs)
   * @param secretsDir the secret store (its key file is the fallback key backend)
   */
  public RealHostProbe(Map<String, String> env, Path stateDir, Path secretsDir, MicrovmRuntime.Options vmOptions) {
    this.env = Map.copyOf(env);
    this.stateDir = stateDir;
    this.secretsDir = secretsDir;
    this.vmOptions = vmOptions;
  }

  @Override
  public Map<String, String> env() {
    return env;
  }

  @Override
  public Optional<Path> executable(String nameOrPath) {
    if (nameOrPath.contains("/")) {
      Path p = Path.of(nameOrPath);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    for (String dir : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, nameOrPath);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<String> firstLine(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
          new java.io.File("/dev/null"))).start();
      byte[] out = p.getInputStream().readNBytes(4096);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).lines().findFirst() : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public boolean isRegularFile(Path path) {
    return Files.isRegularFile(path);
  }

  @Override
  public boolean opensReadWrite(Path device) {
    try (RandomAccessFile f = new RandomAccessFile(device.toFile(), "rw")) {
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  @Override
  public List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public long usableBytes(Path dir) {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    try {
      return Files.getFileStore(p == null ? Path.of("/") : p).getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public Optional<String> permissions(Path file) {
    try {
      return Files.exists(file) ? Optional.of(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          : Optional.empty();
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** The vm module's verdict: cached per host, else one probe boot (then cached). */
  @Override
  public Accel accel() {
    MicrovmRuntime runtime = new MicrovmRuntime(vmOptions);
    try {
      var verdict = runtime.accel();
      return new Accel(Optional.of(verdict.accel().name()), verdict.reason());
    } catch (RuntimeException e) {
      return new Accel(Optional.empty(), String.valueOf(e.getMessage()));
    } finally {
      runtime.close();
    }
  }

  @Override
  public List<KeySourceStatus> keySources() {
    List<KeySourceStatus> out = new ArrayList<>();
    try {
      out.addAll(KeySources.platformDefault(secretsDir.resolve(Secrets.KEY_FILE)).statuses());
    } catch (RuntimeException | LinkageError e) {
      out.add(new KeySourceStatus("libsecret", false, "cannot be asked: " + e.getMessage()));
    }
    return out;
  }

  @Override
  public Optional<String> daemonVersion() {
    ApiClient client = new ApiClient(Daemon.socket(stateDir));
    try {
      ApiClient.Reply r = client.call("GET", "/v1/version", "");
      return r.status() == 200 ? Optional.of(r.body().toString()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}

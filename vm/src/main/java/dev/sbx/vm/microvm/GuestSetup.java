package dev.sbx.vm.microvm;

import dev.sbx.vm.agent.AgentConnection;
import dev.sbx.vm.agent.Tags;
import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecProcess;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.GuestCommand;
import dev.sbx.vm.api.GuestFile;
import dev.sbx.vm.api.GuestUser;
import dev.sbx.vm.api.Mount;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.image.GuestLayout;
import dev.sbx.vm.qemu.QemuArgs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Applies a spec to a freshly booted guest through the agent: CONFIGURE (hostname, env, shares,
 * proxy, CA, user), then the disk, kit files, install commands (once per sandbox, remembered on
 * its disk) and startup commands (every start, output appended to the host's startup log).
 * Returns the failures to report; a broken configure or disk fails the start.
 */
final class GuestSetup {
  static final String PROXY = "http://127.0.0.1:3128";
  static final Duration CONFIGURE_TIMEOUT = Duration.ofSeconds(60);
  static final Duration FILE_TIMEOUT = Duration.ofSeconds(60);
  static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
  /** A startup command still running after this keeps running; the start goes on. */
  static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  /** How long an image's entrypoint may take to fail before it counts as running. */
  static final Duration ENTRYPOINT_WAIT = Duration.ofSeconds(3);
  static final String INSTALLED_DIR = GuestLayout.DISK_MOUNT + "/installed";

  private final AgentConnection agent;
  private final SandboxSpec spec;
  private final SandboxImage image;
  private final Path startupLog;

  /** {@code image} {@code null} = the busybox root with the separate sandbox disk. */
  GuestSetup(AgentConnection agent, SandboxSpec spec, SandboxImage image, Path startupLog) {
    this.agent = agent;
    this.spec = spec;
    this.image = image;
    this.startupLog = startupLog;
  }

  static Map<String, String> environment(SandboxSpec spec) {
    return environment(spec, null);
  }

  /**
   * The environment every guest command gets (before the request's own): a default PATH, the
   * image's env (which may replace PATH), the proxy variables, then the spec's env, which wins.
   */
  static Map<String, String> environment(SandboxSpec spec, SandboxImage image) {
    var env = new java.util.LinkedHashMap<String, String>();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    if (image != null) {
      env.putAll(image.config().envMap());
    }
    if (spec.egress() != null) {
      for (String key : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
        env.put(key, PROXY);
      }
      env.put("NO_PROXY", "localhost,127.0.0.1,::1");
      env.put("no_proxy", "localhost,127.0.0.1,::1");
    }
    env.putAll(spec.env());
    return env;
  }

  static Tags configureTags(SandboxSpec spec) {
    return configureTags(spec, null);
  }

  static Tags configureTags(SandboxSpec spec, SandboxImage image) {
    Tags tags = Tags.create().add("hostname", spec.name());
    environment(spec, image).forEach((k, v) -> tags.add("env", k + "=" + v));
    List<Mount> shares = spec.shares();
    for (int i = 0; i < shares.size(); i++) {
      Mount m = shares.get(i);
      tags.add("mount", QemuArgs.shareTag(i) + ":" + m.guestPath() + ":" + (m.readOnly() ? "ro" : "rw"));
    }
    tags.add("proxy_listen", spec.egress() != null ? "127.0.0.1:3128" : "");
    if (spec.caPem() != null) {
      tags.add("ca", spec.caPem());
    }
    GuestUser u = GuestUser.AGENT;
    tags.add("user", u.name() + ":" + u.uid() + ":" + u.gid() + ":" + u.home());
    return tags;
  }

  List<String> apply() throws IOException, TimeoutException, InterruptedException {
    Files.writeString(startupLog, "", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    agent.configure(configureTags(spec, image), CONFIGURE_TIMEOUT);
    if (image == null) {
      mountDisk();
    } else {
      prepareImageRoot();
    }
    var failures = new ArrayList<String>();
    for (GuestFile file : spec.kit().files()) {
      writeFile(file, failures);
    }
    for (GuestCommand command : spec.kit().install()) {
      install(command, failures);
    }
    for (GuestCommand command : spec.kit().startup()) {
      startup(command, failures);
    }
    if (spec.kit().startup().isEmpty() && image != null && !image.config().command().isEmpty()) {
      startEntrypoint(entrypoint(image), failures);
    }
    return failures;
  }

  /**
   * The image's entrypoint (+ cmd) as a startup command, run as the image's user in its working
   * directory, like a container's main process. Only when the kit declares no startup commands
   * (a kit's startup overrides it); an image with only a cmd (usually an interactive shell) runs
   * nothing.
   */
  static GuestCommand entrypoint(SandboxImage image) {
    var quoted = image.config().command().stream().map(GuestSetup::shellQuote).toList();
    String cwd = image.config().workingDir().isEmpty() ? "/" : image.config().workingDir();
    return new GuestCommand("image " + image.reference() + " entrypoint", "exec " + String.join(" ", quoted),
        image.uid(), image.gid(), cwd);
  }

  static String shellQuote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /**
   * An image sandbox's root is its copy-on-write overlay, so it already persists: the install
   * markers and the agent's home live on it directly (no second disk, no bind mount).
   */
  private void prepareImageRoot() throws IOException, InterruptedException {
    GuestUser u = GuestUser.AGENT;
    // The initramfs's own files are gone once the agent switched to the image; if they are still
    // there, the root disk did not mount (the agent logged why) and the sandbox must not start.
    String script = "set -e\n"
        + "if [ -e " + GuestLayout.CHANNEL_FILE + " ]; then echo 'the image disk was not mounted as the root' >&2; exit 3; fi\n"
        + "mkdir -p " + INSTALLED_DIR + " " + u.home() + "\n"
        + "chown " + u.uid() + ":" + u.gid() + " " + u.home() + "\n";
    var result = run(ExecRequest.asRoot("/bin/sh", "-c", script), null, FILE_TIMEOUT, null);
    if (!result.success()) {
      throw new SandboxException(SandboxException.Kind.GUEST_FAILED, spec.name(),
          "cannot prepare the image root (does the image have /bin/sh?): " + describe(result.status) + " "
              + result.stderr.strip());
    }
  }

  private void mountDisk() throws IOException, InterruptedException {
    GuestUser u = GuestUser.AGENT;
    String d = GuestLayout.DISK_MOUNT;
    String script = "set -e\n"
        + "mkdir -p " + d + "\n"
        + "mountpoint -q " + d + " || mount -t ext4 /dev/vda " + d + "\n"
        + "mkdir -p " + INSTALLED_DIR + " " + d + "/home\n"
        + "mkdir -p " + u.home() + "\n"
        + "if [ ! -d " + d + "/home/" + u.name() + " ]; then cp -a " + u.home() + " " + d + "/home/" + u.name()
        + "; chown " + u.uid() + ":" + u.gid() + " " + d + "/home/" + u.name() + "; fi\n"
        + "mountpoint -q " + u.home() + " || mount --bind " + d + "/home/" + u.name() + " " + u.home() + "\n";
    var result = run(ExecRequest.asRoot("/bin/sh", "-c", script), null, FILE_TIMEOUT, null);
    if (!result.success()) {
      throw new SandboxException(SandboxException.Kind.GUEST_FAILED, spec.name(),
          "cannot mount the sandbox disk: " + describe(result.status) + " " + result.stderr.strip());
    }
  }

  private void writeFile(GuestFile file, List<String> failures) throws IOException, InterruptedException {
    String script = "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1\" && chmod " + Integer.toOctalString(file.mode())
        + " \"$1\"";
    var request = new ExecRequest(List.of("/bin/sh", "-c", script, "sbx-write", file.path()), Map.of(), "/",
        file.uid(), file.gid(), true);
    var result = run(request, file.content(), FILE_TIMEOUT, null);
    if (!result.success()) {
      failures.add("writing " + file.path() + " failed: " + describe(result.status) + " " + result.stderr.strip());
    }
  }

  private void install(GuestCommand command, List<String> failures) throws IOException, InterruptedException {
    String marker = INSTALLED_DIR + "/" + digest(command);
    var done = run(ExecRequest.asRoot("/bin/sh", "-c", "test -e \"$1\"", "sbx-check", marker), null, FILE_TIMEOUT, null);
    if (done.success()) {
      log("== install (already done): " + command.description() + "\n");
      return;
    }
    log("== install: " + command.description() + "\n");
    var result = run(commandRequest(command), null, INSTALL_TIMEOUT, startupLog);
    if (result.success()) {
      run(ExecRequest.asRoot("/bin/sh", "-c", "echo \"$2\" > \"$1\"", "sbx-mark", marker, command.description()),
          null, FILE_TIMEOUT, null);
    } else {
      failures.add("install command " + command.description() + " failed: " + describe(result.status));
      log("== install failed: " + describe(result.status) + "\n");
    }
  }

  private void startup(GuestCommand command, List<String> failures) throws IOException, InterruptedException {
    log("== startup: " + command.description() + "\n");
    var result = run(commandRequest(command), null, STARTUP_WAIT, startupLog);
    if (result.status == null) {
      log("== startup still running after " + STARTUP_WAIT.toSeconds() + " s; left running\n");
    } else if (!result.success()) {
      failures.add("startup command " + command.description() + " failed: " + describe(result.status));
      log("== startup failed: " + describe(result.status) + "\n");
    }
  }

  /**
   * An entrypoint is usually a long-running process: it is started, given a moment to fail fast
   * (a missing binary, a bad flag), and left running with its output in the startup log.
   */
  private void startEntrypoint(GuestCommand command, List<String> failures) throws IOException, InterruptedException {
    log("== entrypoint: " + command.description() + "\n");
    var result = run(commandRequest(command), null, ENTRYPOINT_WAIT, startupLog);
    if (result.status == null) {
      log("== entrypoint running\n");
    } else if (!result.success()) {
      failures.add(command.description() + " failed: " + describe(result.status));
      log("== entrypoint failed: " + describe(result.status) + "\n");
    }
  }

  private static ExecRequest commandRequest(GuestCommand command) {
    return new ExecRequest(List.of("/bin/sh", "-c", command.shell()), Map.of(), command.cwd(), command.uid(),
        command.gid(), false);
  }

  /** {@code status} is null when the command outlived its wait (it keeps running). */
  private record Outcome(ExitStatus status, String stderr) {
    boolean success() {
      return status != null && status.success();
    }
  }

  /** Runs a request; {@code status} is null when it outlives {@code timeout} (it keeps running). */
  private Outcome run(ExecRequest request, byte[] stdin, Duration timeout, Path logTo)
      throws IOException, InterruptedException {
    var stderr = new StringBuilder();
    ExecOutput output = new ExecOutput() {
      @Override
      public void stdout(byte[] bytes) {
        append(logTo, bytes);
      }

      @Override
      public void stderr(byte[] bytes) {
        append(logTo, bytes);
        synchronized (stderr) {
          if (stderr.length() < 4000) {
            stderr.append(new String(bytes, StandardCharsets.UTF_8));
          }
        }
      }
    };
    ExecProcess process = agent.exec(request, output);
    if (stdin != null) {
      process.writeStdin(stdin);
      process.closeStdin();
    }
    var status = process.waitFor(timeout);
    synchronized (stderr) {
      return new Outcome(status.orElse(null), stderr.toString());
    }
  }

  private static void append(Path logTo, byte[] bytes) {
    if (logTo == null) {
      return;
    }
    try (OutputStream out = Files.newOutputStream(logTo, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write(bytes);
    } catch (IOException ignored) {
      // the log is best effort; failures are reported separately
    }
  }

  private void log(String line) {
    append(startupLog, line.getBytes(StandardCharsets.UTF_8));
  }

  static String describe(ExitStatus status) {
    if (status == null) {
      return "timed out";
    }
    if (status.error() != null) {
      return "did not start (" + status.error() + ")";
    }
    return status.signal() != 0 ? "killed by signal " + status.signal() : "exit code " + status.code();
  }

  private static String digest(GuestCommand command) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      sha.update((command.uid() + "\n" + command.cwd() + "\n" + command.shell()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.sbx.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where sbx keeps its files: {@code --state-dir DIR} or {@code SBX_STATE_DIR} puts everything under
 * one directory (tests, CI, several installations side by side); otherwise everything, the secret
 * store and the interception CA included, lives in the XDG state home ({@code $XDG_STATE_HOME/sbx},
 * default {@code ~/.local/state/sbx}). The daemon reads the secret store and the CA from its state
 * directory, so the CLI must write them exactly there.
 * Every command that touches sbx's files takes {@code --state-dir} through this one mixin.
 */
public final class SbxLocations {

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Keep all sbx files under DIR (default: XDG config/state dirs; env SBX_STATE_DIR)")
  Path stateDir;

  private final Map<String, String> env;

  public SbxLocations() {
    this(System.getenv());
  }

  SbxLocations(Map<String, String> env) {
    this.env = env;
  }

  /** The daemon's state directory (records, journal, locks, {@code daemon.sock}), absolute. */
  public Path daemonStateDir() {
    if (stateDir != null) {
      return stateDir.toAbsolutePath();
    }
    String fromEnv = env.get("SBX_STATE_DIR");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv).toAbsolutePath();
    }
    return dev.sbx.reconciler.state.StateDirectory.defaultRoot(env, Path.of(System.getProperty("user.home")));
  }

  /** The secret store directory (0700): {@code STATE/secrets}, where the daemon reads it. */
  public Path secretsDir() {
    return daemonStateDir().resolve("secrets");
  }

  /** The interception CA directory (ca.pem, ca.key). */
  public Path egressCaDir() {
    return root(stateHome()).resolve("egress-ca");
  }

  private Path root(Path xdgDefault) {
    if (stateDir != null) {
      return stateDir;
    }
    String fromEnv = env.get("SBX_STATE_DIR");
    return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : xdgDefault;
  }

  private Path stateHome() {
    return xdg("XDG_STATE_HOME", ".local/state");
  }

  private Path xdg(String var, String fallback) {
    String v = env.get(var);
    Path base = v != null && v.startsWith("/") ? Path.of(v) : Path.of(System.getProperty("user.home")).resolve(fallback);
    return base.resolve("sbx");
  }
}

package dev.sbx.vm.host;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where sbx keeps things on the host: the cache (XDG cache home, {@code ~/.cache/sbx}: kernels,
 * initramfs images, the accel verdict) and the runtime state (XDG state home,
 * {@code ~/.local/state/sbx/vm}: one directory per sandbox). {@code SBX_CACHE_DIR} and
 * {@code SBX_STATE_DIR} override both.
 */
public record SbxDirs(Path cache, Path state) {

  public static SbxDirs fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  public static SbxDirs fromEnvironment(Map<String, String> env) {
    String home = System.getProperty("user.home");
    Path cache = env.containsKey("SBX_CACHE_DIR") ? Path.of(env.get("SBX_CACHE_DIR"))
        : Path.of(env.getOrDefault("XDG_CACHE_HOME", home + "/.cache"), "sbx");
    Path state = env.containsKey("SBX_STATE_DIR") ? Path.of(env.get("SBX_STATE_DIR"))
        : Path.of(env.getOrDefault("XDG_STATE_HOME", home + "/.local/state"), "sbx", "vm");
    return new SbxDirs(cache.toAbsolutePath(), state.toAbsolutePath());
  }

  public SbxDirs withState(Path dir) {
    return new SbxDirs(cache, dir.toAbsolutePath());
  }
}

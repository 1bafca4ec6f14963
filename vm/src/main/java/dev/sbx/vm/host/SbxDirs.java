package dev.sbx.vm.host;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where sbx keeps things on the host: the cache (XDG cache home, {@code ~/.cache/sbx}: kernels,
 * initramfs images, the accel verdict), the runtime state (XDG state home,
 * {@code ~/.local/state/sbx/vm}: one directory per sandbox) and data that is not a cache (XDG
 * data home, {@code ~/.local/share/sbx}: the image store, whose base disks sandboxes' overlays
 * depend on). {@code SBX_CACHE_DIR}, {@code SBX_STATE_DIR} and {@code SBX_DATA_DIR} override them.
 */
public record SbxDirs(Path cache, Path state, Path data) {

  /** Cache and state given; data beside the cache ({@code CACHE/../sbx-data}), as tests want. */
  public SbxDirs(Path cache, Path state) {
    this(cache, state, cache.toAbsolutePath().resolveSibling(cache.getFileName() + "-data"));
  }

  public static SbxDirs fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  public static SbxDirs fromEnvironment(Map<String, String> env) {
    String home = System.getProperty("user.home");
    Path cache = env.containsKey("SBX_CACHE_DIR") ? Path.of(env.get("SBX_CACHE_DIR"))
        : Path.of(env.getOrDefault("XDG_CACHE_HOME", home + "/.cache"), "sbx");
    Path state = env.containsKey("SBX_STATE_DIR") ? Path.of(env.get("SBX_STATE_DIR"))
        : Path.of(env.getOrDefault("XDG_STATE_HOME", home + "/.local/state"), "sbx", "vm");
    Path data = env.containsKey("SBX_DATA_DIR") ? Path.of(env.get("SBX_DATA_DIR"))
        : Path.of(env.getOrDefault("XDG_DATA_HOME", home + "/.local/share"), "sbx");
    return new SbxDirs(cache.toAbsolutePath(), state.toAbsolutePath(), data.toAbsolutePath());
  }

  public SbxDirs withState(Path dir) {
    return new SbxDirs(cache, dir.toAbsolutePath(), data);
  }

  public SbxDirs withData(Path dir) {
    return new SbxDirs(cache, state, dir.toAbsolutePath());
  }
}

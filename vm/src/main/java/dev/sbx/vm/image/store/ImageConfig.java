package dev.sbx.vm.image.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an image says about how to run it, as in an OCI image config: the default user
 * ({@code name}, {@code uid} or {@code uid:gid}; empty = root), environment ({@code K=V}),
 * entrypoint, cmd and working directory (empty = the user's home).
 */
public record ImageConfig(String user, List<String> env, List<String> entrypoint, List<String> cmd,
    String workingDir) {
  public static final ImageConfig NONE = new ImageConfig("", List.of(), List.of(), List.of(), "");

  public ImageConfig {
    user = Objects.requireNonNullElse(user, "");
    env = List.copyOf(env);
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    workingDir = Objects.requireNonNullElse(workingDir, "");
  }

  /** The environment as a map, in order; an entry without {@code =} is ignored (as Docker does). */
  public Map<String, String> envMap() {
    var map = new LinkedHashMap<String, String>();
    for (String entry : env) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        map.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return map;
  }

  /** Entrypoint followed by cmd: the image's main process, empty when it has none. */
  public List<String> command() {
    if (entrypoint.isEmpty()) {
      return List.of();
    }
    var all = new java.util.ArrayList<>(entrypoint);
    all.addAll(cmd);
    return List.copyOf(all);
  }
}

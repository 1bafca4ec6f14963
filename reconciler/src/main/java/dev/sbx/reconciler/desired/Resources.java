package dev.sbx.reconciler.desired;

import java.util.Map;

/** CPUs and memory of a sandbox VM. Part of the immutable spec: a change replaces the VM. */
public record Resources(int cpus, long memoryMib) {
  public Resources {
    if (cpus < 1 || memoryMib < 1) {
      throw new IllegalArgumentException("resources must be positive: cpus=" + cpus + " memoryMib=" + memoryMib);
    }
  }

  Map<String, Object> canonical() {
    return Map.of("cpus", cpus, "memoryMib", memoryMib);
  }

  @Override
  public String toString() {
    return cpus + " cpus, " + memoryMib + " MiB";
  }
}

package dev.sbx.schemas.model;

import java.util.List;
import java.util.Objects;

/**
 * {@code kind: Sandbox}: one sandbox the reconciler keeps running.
 *
 * @param name {@code metadata.name}, a DNS-label-like name
 * @param agent a built-in agent or a sandbox kit's name (required)
 * @param kits kit references in stacking order: a directory (relative to the manifest), a zip,
 *     or {@code git+https|ssh|file://...#ref=...&dir=...}
 * @param workspace absolute host path mounted at the same path; null = no workspace
 * @param mounts extra host paths
 * @param resources null = runtime defaults
 * @param secrets names of stored secrets this sandbox may use
 * @param policy NetworkPolicy name; null = the installation default
 * @param drift what the reconciler does about drift; null = {@link Drift#CORRECT}
 */
public record SandboxManifest(
    String name,
    String agent,
    List<String> kits,
    String workspace,
    List<Mount> mounts,
    Resources resources,
    List<String> secrets,
    String policy,
    Drift drift)
    implements Manifest {
  public SandboxManifest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(agent, "agent");
    kits = Copies.list(kits);
    mounts = Copies.list(mounts);
    secrets = Copies.list(secrets);
    drift = drift == null ? Drift.CORRECT : drift;
  }

  @Override
  public String kind() {
    return "Sandbox";
  }

  /** An extra host path mounted at the same absolute path. */
  public record Mount(String path, boolean readOnly) {
    public Mount {
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * @param cpus null = default
   * @param memory byte size as written ({@code 2g}); null = default
   */
  public record Resources(Integer cpus, String memory) {}

  public enum Drift {
    CORRECT,
    WARN,
    IGNORE
  }
}

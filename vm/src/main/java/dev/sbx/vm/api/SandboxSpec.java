package dev.sbx.vm.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a runtime needs to build and run one sandbox. The reconciler compiles it from the
 * resolved sandbox; {@code specHash} is the content hash of that resolved spec and is reported
 * back by {@link SandboxRuntime#list()} so drift can be seen.
 *
 * @param workspace shared read-write at the same absolute path; {@code null} for none
 * @param egress where guest proxy connections go; {@code null} means the guest gets no proxy
 * @param caPem a CA certificate the guest trusts (the egress proxy's); {@code null} for none
 * @param labels free-form labels reported back by {@code list} (e.g. {@code agent=shell})
 * @param image a stored image's reference or id to boot as the root filesystem (its user, env,
 *     entrypoint and working directory apply where the spec does not override them); {@code null}
 *     = the built-in busybox root
 */
public record SandboxSpec(
    String name,
    String owner,
    String specHash,
    int cpus,
    long memoryMib,
    Path workspace,
    List<Mount> mounts,
    Map<String, String> env,
    EgressEndpoint egress,
    String caPem,
    KitApplication kit,
    Map<String, String> labels,
    String image) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
  /** microvm has eight virtio-mmio slots: agent channel, disk, and at most six shares. */
  public static final int MAX_SHARES = 6;

  public SandboxSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(specHash, "specHash");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid sandbox name '" + name + "': use lowercase letters, digits, '.', '_' or '-' (max 63)");
    }
    if (cpus < 1) {
      throw new IllegalArgumentException("cpus must be at least 1, got " + cpus);
    }
    if (memoryMib < 128) {
      throw new IllegalArgumentException("memory must be at least 128 MiB, got " + memoryMib);
    }
    if (workspace != null && !workspace.isAbsolute()) {
      throw new IllegalArgumentException("workspace must be an absolute path: " + workspace);
    }
    mounts = List.copyOf(mounts);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    kit = Objects.requireNonNull(kit, "kit");
    labels = Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    if (allMounts(workspace, mounts).size() > MAX_SHARES) {
      throw new IllegalArgumentException("at most " + MAX_SHARES + " shared directories (workspace included)");
    }
    if (image != null && image.isBlank()) {
      image = null;
    }
  }

  /** Without an image: the built-in busybox root. */
  public SandboxSpec(String name, String owner, String specHash, int cpus, long memoryMib, Path workspace,
      List<Mount> mounts, Map<String, String> env, EgressEndpoint egress, String caPem, KitApplication kit,
      Map<String, String> labels) {
    this(name, owner, specHash, cpus, memoryMib, workspace, mounts, env, egress, caPem, kit, labels, null);
  }

  public Optional<String> imageReference() {
    return Optional.ofNullable(image);
  }

  public SandboxSpec withImage(String reference) {
    return new SandboxSpec(name, owner, specHash, cpus, memoryMib, workspace, mounts, env, egress, caPem, kit, labels,
        reference);
  }

  /** A minimal spec: a name, defaults for the rest (1 cpu, 512 MiB, no shares, no proxy). */
  public static SandboxSpec minimal(String name) {
    return new SandboxSpec(name, "sbx", "none", 1, 512, null, List.of(), Map.of(), null, null, KitApplication.NONE, Map.of());
  }

  public Optional<Path> workspaceDir() {
    return Optional.ofNullable(workspace);
  }

  public Optional<EgressEndpoint> egressEndpoint() {
    return Optional.ofNullable(egress);
  }

  /** The workspace (read-write, same path) followed by the extra mounts. */
  public List<Mount> shares() {
    return allMounts(workspace, mounts);
  }

  private static List<Mount> allMounts(Path workspace, List<Mount> mounts) {
    if (workspace == null) {
      return List.copyOf(mounts);
    }
    var all = new java.util.ArrayList<Mount>();
    all.add(Mount.samePath(workspace, false));
    all.addAll(mounts);
    return List.copyOf(all);
  }

  public SandboxSpec withWorkspace(Path dir) {
    return new SandboxSpec(name, owner, specHash, cpus, memoryMib, dir, mounts, env, egress, caPem, kit, labels, image);
  }

  public SandboxSpec withMounts(List<Mount> newMounts) {
    return new SandboxSpec(name, owner, specHash, cpus, memoryMib, workspace, newMounts, env, egress, caPem, kit, labels, image);
  }

  public SandboxSpec withResources(int newCpus, long newMemoryMib) {
    return new SandboxSpec(name, owner, specHash, newCpus, newMemoryMib, workspace, mounts, env, egress, caPem, kit, labels, image);
  }

  public SandboxSpec withEgress(EgressEndpoint endpoint) {
    return new SandboxSpec(name, owner, specHash, cpus, memoryMib, workspace, mounts, env, endpoint, caPem, kit, labels, image);
  }

  public SandboxSpec withKit(KitApplication newKit) {
    return new SandboxSpec(name, owner, specHash, cpus, memoryMib, workspace, mounts, env, egress, caPem, newKit, labels, image);
  }

  public SandboxSpec withEnv(Map<String, String> newEnv) {
    return new SandboxSpec(name, owner, specHash, cpus, memoryMib, workspace, mounts, newEnv, egress, caPem, kit, labels, image);
  }

  public SandboxSpec withOwner(String newOwner, String newSpecHash) {
    return new SandboxSpec(name, newOwner, newSpecHash, cpus, memoryMib, workspace, mounts, env, egress, caPem, kit, labels, image);
  }

  public SandboxSpec withLabels(Map<String, String> newLabels) {
    return new SandboxSpec(name, owner, specHash, cpus, memoryMib, workspace, mounts, env, egress, caPem, kit, newLabels, image);
  }

  public SandboxSpec withCaPem(String pem) {
    return new SandboxSpec(name, owner, specHash, cpus, memoryMib, workspace, mounts, env, egress, pem, kit, labels, image);
  }
}

package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.LoadedManifest;
import dev.sbx.schemas.model.SandboxManifest;
import java.util.Objects;

/**
 * One Sandbox manifest with its stack merged and its policy applied: the effective, provenanced
 * spec the desired-state compiler turns into a VM, egress rules and secret bindings.
 *
 * @param manifest the Sandbox document as loaded (its file and positions)
 * @param kit the merged stack (agent, then {@code spec.kits} in order)
 * @param egress the stack's network rules under the named NetworkPolicy
 */
public record ResolvedSandbox(LoadedManifest manifest, EffectiveKit kit, EffectiveEgress egress) {
  public ResolvedSandbox {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(kit, "kit");
    Objects.requireNonNull(egress, "egress");
    if (!(manifest.manifest() instanceof SandboxManifest)) {
      throw new IllegalArgumentException("not a Sandbox manifest: " + manifest.manifest().kind());
    }
  }

  public SandboxManifest sandbox() {
    return (SandboxManifest) manifest.manifest();
  }

  public String name() {
    return sandbox().name();
  }
}

package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.ImmutableSpec;
import dev.sbx.reconciler.desired.Mount;
import dev.sbx.reconciler.desired.Provenance;
import dev.sbx.reconciler.desired.SourceRef;
import dev.sbx.reconciler.state.Inventory;
import dev.sbx.reconciler.state.SandboxRecord;
import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.Problem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which of the daemon's sources a checkout compiled elsewhere stands for. The plan is scoped by
 * source id (ownership, pruning), and the CI runner's checkout path ({@code dir:/home/runner/…})
 * is never the daemon's ({@code dir:/srv/gitops}, {@code git:…}); comparing under the runner's id
 * would find every sandbox "managed by another source" and report no drift at all. So:
 *
 * <ol>
 *   <li>a source named by the client ({@code --source ID}) wins;
 *   <li>else the one source that recorded the checkout's sandboxes;
 *   <li>else, when none of them is known, the only source the daemon has records of (a checkout
 *       whose sandboxes were all renamed still compares against it);
 *   <li>else the checkout's own id (a daemon with nothing applied yet: everything is a create).
 * </ol>
 *
 * Several candidate sources is a user error (exit 2) asking for {@code --source}. A {@code dir:}
 * source also gets the checkout's absolute paths (workspace, mounts: relative paths in manifests
 * resolve against the checkout) rebased onto its own directory, so they compare equal.
 */
final class SourceAdoption {
  private SourceAdoption() {}

  static DesiredState adopt(DesiredState desired, Inventory inventory, Optional<String> requested) {
    String sourceId = requested.orElseGet(() -> choose(desired, inventory));
    if (sourceId.equals(desired.source().id())) {
      return desired;
    }
    String from = desired.source().id();
    List<DesiredSandbox> sandboxes = desired.sandboxes().stream()
        .map(s -> rebase(s, from, sourceId))
        .toList();
    return new DesiredState(new SourceRef(sourceId, DesiredState.fingerprint(sourceId, sandboxes)), sandboxes,
        desired.loadErrors());
  }

  private static String choose(DesiredState desired, Inventory inventory) {
    Set<String> declared = desired.sandboxes().stream().map(DesiredSandbox::name).collect(Collectors.toSet());
    Set<String> owners = inventory.records().values().stream()
        .filter(r -> declared.contains(r.name()))
        .map(SandboxRecord::source)
        .collect(Collectors.toCollection(TreeSet::new));
    if (owners.isEmpty()) {
      owners = inventory.records().values().stream().map(SandboxRecord::source)
          .collect(Collectors.toCollection(TreeSet::new));
    }
    if (owners.size() == 1) {
      return owners.iterator().next();
    }
    if (owners.isEmpty()) {
      return desired.source().id();
    }
    throw new ManifestException(new Problem(null, null, "",
        "the checkout's sandboxes are managed by " + owners.size() + " sources of the daemon: " + String.join(", ", owners),
        "name the one this checkout stands for with --source ID"));
  }

  /** The sandbox under {@code to}: provenance and, for two directory sources, paths under the old root. */
  static DesiredSandbox rebase(DesiredSandbox s, String from, String to) {
    ImmutableSpec spec = s.immutable();
    if (from.startsWith("dir:") && to.startsWith("dir:")) {
      String oldRoot = from.substring(4);
      String newRoot = to.substring(4);
      List<Mount> mounts = spec.mounts().stream().map(m -> new Mount(move(m.path(), oldRoot, newRoot), m.readOnly())).toList();
      spec = new ImmutableSpec(spec.imageRef(), spec.kernel(), spec.installCommands(), spec.resources(),
          move(spec.workspace(), oldRoot, newRoot), mounts);
    }
    return new DesiredSandbox(s.name(), s.agent(), spec, s.live(), s.drift(),
        new Provenance(to, s.provenance().location()));
  }

  private static String move(String path, String oldRoot, String newRoot) {
    if (path.equals(oldRoot)) {
      return newRoot;
    }
    return path.startsWith(oldRoot + "/") ? newRoot + path.substring(oldRoot.length()) : path;
  }
}

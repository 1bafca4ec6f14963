package dev.sbx.reconciler.plan;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.desired.CanonicalJson;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.DriftMode;
import dev.sbx.reconciler.observe.ActualSandbox;
import dev.sbx.reconciler.observe.ActualState;
import dev.sbx.reconciler.state.Inventory;
import dev.sbx.reconciler.state.SandboxRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The diff phase, a pure function: desired × actual × inventory → {@link Plan}.
 *
 * <p>Change versus drift: the inventory holds the sandbox as last applied. When the desired hash
 * equals the recorded one, the source did not change, so any difference in the world was made
 * outside sbx: drift, handled per the sandbox's {@link DriftMode}. Otherwise the difference is a
 * change from the source and is always applied.
 *
 * <p>Pruning (delete) only touches sandboxes this source recorded as created by sbx, only with
 * {@link PlanOptions#prune()}, never when the source failed to load, and never all of them because
 * the source came back empty unless {@link PlanOptions#allowEmptySource()}.
 */
public final class Differ {
  private static final List<ChangeKind> ORDER =
      List.of(ChangeKind.DELETE, ChangeKind.REPLACE, ChangeKind.UPDATE, ChangeKind.CREATE, ChangeKind.NO_OP);
  private static final Map<String, String> FIELD_NAMES = Map.of(
      "agent", "agent", "image", "image", "kernel", "kernel", "install", "install commands",
      "resources", "resources", "workspace", "workspace", "mounts", "mounts");

  private Differ() {}

  public static Plan diff(DesiredState desired, ActualState actual, Inventory inventory, PlanOptions options) {
    String source = desired.source().id();
    List<Change> changes = new ArrayList<>();
    List<PlanWarning> warnings = new ArrayList<>();
    Set<String> declared = new HashSet<>();
    for (DesiredSandbox d : desired.sandboxes()) {
      declared.add(d.name());
      changes.add(planOne(d, actual.get(d.name()), inventory.get(d.name()), desired.source().revision(), source, warnings));
    }
    planPrune(desired, inventory, options, declared, changes, warnings);
    for (ActualSandbox a : actual.sandboxes().values()) {
      boolean labelledOurs = a.vm().map(vm -> vm.owner().equals(source)).orElse(false);
      if (labelledOurs && !declared.contains(a.name()) && inventory.get(a.name()).isEmpty()) {
        warnings.add(new PlanWarning(a.name(), "carries the label of source " + source
            + " but is not in the state inventory; not pruned (remove it by hand if it is not needed)"));
      }
    }
    changes.sort(Comparator.comparing((Change c) -> ORDER.indexOf(c.kind())).thenComparing(Change::sandbox));
    return new Plan(Plan.FORMAT_VERSION, desired.source(), desired.fingerprint(),
        observedFingerprint(actual, inventory), options, changes, warnings);
  }

  /** What a saved plan is checked against: the world and the inventory it was made from. */
  public static String observedFingerprint(ActualState actual, Inventory inventory) {
    return CanonicalJson.sha256(actual.fingerprint() + "\n" + inventory.fingerprint());
  }

  private static void planPrune(
      DesiredState desired, Inventory inventory, PlanOptions options, Set<String> declared,
      List<Change> changes, List<PlanWarning> warnings) {
    String source = desired.source().id();
    List<SandboxRecord> gone = inventory.records().values().stream()
        .filter(r -> r.source().equals(source) && r.createdBySbx() && !declared.contains(r.name()))
        .toList();
    if (gone.isEmpty()) {
      return;
    }
    String refusal = null;
    if (!options.prune()) {
      refusal = "no longer in the source; apply with --prune to delete it";
    } else if (!desired.loadSucceeded()) {
      refusal = "not pruned: the source failed to load (" + desired.loadErrors().size() + " error(s)); fix it first";
    } else if (desired.sandboxes().isEmpty() && !options.allowEmptySource()) {
      refusal = "not pruned: the source has no sandboxes at all, which would delete all " + gone.size()
          + "; if that is meant, apply with --allow-empty-source";
    }
    for (SandboxRecord r : gone) {
      if (refusal == null) {
        changes.add(new Change.Delete(r.name(), "not in source " + source + "; pruned"));
      } else {
        changes.add(new Change.NoOp(r.name(), Optional.empty(), List.of(), refusal, false));
        warnings.add(new PlanWarning(r.name(), refusal));
      }
    }
  }

  private static Change planOne(
      DesiredSandbox d, ActualSandbox a, Optional<SandboxRecord> rec, String revision, String source,
      List<PlanWarning> warnings) {
    Optional<RuntimeSandbox> vm = a.vm();
    if (rec.isPresent() && !rec.get().source().equals(source)) {
      String msg = "is managed by source " + rec.get().source() + "; declared here too, left alone";
      warnings.add(new PlanWarning(d.name(), msg));
      return new Change.NoOp(d.name(), Optional.of(d), List.of(), msg, false);
    }
    if (rec.isEmpty() && vm.isPresent() && !vm.get().owner().equals(source)) {
      String msg = "a sandbox with this name already exists (owner '" + vm.get().owner()
          + "') and sbx does not manage it; rename one of them or remove it";
      warnings.add(new PlanWarning(d.name(), msg));
      return new Change.NoOp(d.name(), Optional.of(d), List.of(), msg, false);
    }
    Optional<DesiredSandbox> applied = rec.flatMap(SandboxRecord::applied);
    // Each hash is computed once here: hashing dominates the cost of diff.
    String immutableHash = d.immutableHash();
    String liveHash = d.liveHash();
    boolean sameImmutable = applied.map(x -> x.immutableHash().equals(immutableHash)).orElse(false);
    boolean sameLive = sameImmutable && applied.get().liveHash().equals(liveHash);

    if (vm.isEmpty()) {
      if (sameImmutable && sameLive) {
        return drift(d, List.of(FieldChange.set("vm", "(missing)", "\"running\"")), warnings,
            new Change.Create(d, "deleted outside sbx", true));
      }
      return new Change.Create(d, rec.isPresent() ? "missing (an earlier apply did not finish)" : "new", false);
    }
    if (!vm.get().immutableHash().equals(immutableHash)) {
      if (sameImmutable) {
        List<FieldChange> f = List.of(new FieldChange("immutableHash", FieldChange.Op.SET,
            vm.get().immutableHash(), immutableHash, true));
        return drift(d, f, warnings, new Change.Replace(d, f, "rebuilt outside sbx: forces replacement", true));
      }
      List<FieldChange> reasons = immutableReasons(applied, vm.get(), d);
      // Live changes ride along with the rebuild; show them too (the old VM's state does not matter).
      List<FieldChange> f = new ArrayList<>(reasons);
      LiveDiff.compare(d.live(), a, vm.get()).stream().filter(x -> !x.field().equals("state")).forEach(f::add);
      return new Change.Replace(d, f, replaceReason(reasons), false);
    }
    List<FieldChange> live = LiveDiff.compare(d.live(), a, vm.get());
    if (live.isEmpty()) {
      boolean refresh = rec.isEmpty() || !applied.equals(Optional.of(d))
          || !rec.get().lastAppliedRevision().equals(revision);
      return new Change.NoOp(d.name(), Optional.of(d), List.of(), "in sync", refresh);
    }
    if (sameImmutable && sameLive) {
      return drift(d, live, warnings, new Change.Update(d, live, true));
    }
    return new Change.Update(d, live, false);
  }

  /** Applies the sandbox's drift mode to a correction. */
  private static Change drift(DesiredSandbox d, List<FieldChange> fields, List<PlanWarning> warnings, Change correction) {
    return switch (d.drift()) {
      case CORRECT -> correction;
      case WARN -> {
        warnings.add(new PlanWarning(d.name(), "changed outside sbx; not corrected (drift: warn)"));
        yield new Change.NoOp(d.name(), Optional.of(d), fields, "drift reported, not corrected (drift: warn)", false);
      }
      case IGNORE -> new Change.NoOp(d.name(), Optional.of(d), List.of(), "drift ignored (drift: ignore)", false);
    };
  }

  private static List<FieldChange> immutableReasons(Optional<DesiredSandbox> applied, RuntimeSandbox vm, DesiredSandbox d) {
    if (applied.isEmpty() || !applied.get().immutableHash().equals(vm.immutableHash())) {
      return List.of(new FieldChange("immutableHash", FieldChange.Op.SET, vm.immutableHash(), d.immutableHash(), true));
    }
    Map<String, Object> before = applied.get().immutableFields();
    Map<String, Object> after = d.immutableFields();
    List<FieldChange> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : after.entrySet()) {
      Object old = before.get(e.getKey());
      if (!e.getValue().equals(old)) {
        out.add(new FieldChange(e.getKey(), FieldChange.Op.SET, display(old), display(e.getValue()), true));
      }
    }
    return out;
  }

  private static String replaceReason(List<FieldChange> fields) {
    List<String> names = new ArrayList<>();
    for (FieldChange f : fields) {
      names.add(FIELD_NAMES.getOrDefault(f.field(), "spec"));
    }
    return String.join(", ", names) + " changed: forces replacement";
  }

  private static String display(Object v) {
    return v == null ? "(none)" : CanonicalJson.encode(v);
  }
}

package dev.sbx.reconciler;

import static dev.sbx.reconciler.Fixtures.SOURCE;
import static dev.sbx.reconciler.Fixtures.sandbox;
import static dev.sbx.reconciler.Fixtures.state;
import static dev.sbx.reconciler.Fixtures.withAllow;
import static dev.sbx.reconciler.Fixtures.withDrift;
import static dev.sbx.reconciler.Fixtures.withInstall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.apply.ApplyResult;
import dev.sbx.reconciler.apply.SandboxResult;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DriftMode;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.event.ReconcileEvent;
import dev.sbx.reconciler.plan.Change;
import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.plan.FieldChange;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanRenderer;
import dev.sbx.reconciler.state.SandboxRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of change and every drift case, end to end over the in-memory world. */
class ReconcilerTest {
  @TempDir Path dir;

  private static Change only(Plan plan, String name) {
    return plan.changes().stream().filter(c -> c.sandbox().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void createBuildsRulesBindingsAndARunningVm() {
    Harness h = new Harness(dir);
    DesiredSandbox api = sandbox("api-dev");
    Plan plan = h.plan(state("r1", api));
    assertEquals(ChangeKind.CREATE, only(plan, "api-dev").kind());
    assertTrue(PlanRenderer.render(plan).contains("  + sandbox api-dev (new)"), PlanRenderer.render(plan));

    ApplyResult result = h.apply(state("r1", api));
    assertTrue(result.succeeded(), result.toString());
    assertEquals(0, result.exitCode());
    RuntimeSandbox vm = h.world.vm("api-dev").orElseThrow();
    assertEquals(VmState.RUNNING, vm.state());
    assertEquals(SOURCE, vm.owner());
    assertEquals(api.immutableHash(), vm.immutableHash());
    assertEquals(api.live().egress(), h.world.rules("api-dev").orElseThrow());
    assertEquals(api.live().secrets(), h.world.bindings("api-dev"));
    SandboxRecord rec = h.state().store().get("api-dev").orElseThrow();
    assertTrue(rec.createdBySbx());
    assertEquals("r1", rec.lastAppliedRevision());
    assertEquals(api, rec.applied().orElseThrow());
    assertTrue(h.plan(state("r1", api)).inSync());
  }

  @Test
  void liveChangeUpdatesInPlaceWithoutRebuildingTheVm() {
    Harness h = new Harness(dir);
    DesiredSandbox api = sandbox("api-dev");
    h.apply(state("r1", api));
    DesiredSandbox changed = withAllow(api, "api.github.com:443", "crates.io");
    Plan plan = h.plan(state("r2", changed));
    Change c = only(plan, "api-dev");
    assertEquals(ChangeKind.UPDATE, c.kind());
    assertFalse(c.drift());
    assertEquals(List.of(FieldChange.add("egress.allow", "\"crates.io\"")), c.fields());
    assertTrue(PlanRenderer.render(plan).contains("~ sandbox api-dev"));
    assertTrue(PlanRenderer.render(plan).contains("egress.allow: + \"crates.io\""));

    assertTrue(h.apply(state("r2", changed)).succeeded());
    assertEquals(1, h.world.calls("runtime.create"));
    assertEquals(0, h.world.calls("runtime.destroy"));
    assertTrue(h.world.rules("api-dev").orElseThrow().allow().contains("crates.io"));
    assertTrue(h.plan(state("r2", changed)).inSync());
  }

  @Test
  void immutableChangeReplacesAndNamesTheField() {
    Harness h = new Harness(dir);
    DesiredSandbox api = sandbox("api-dev");
    h.apply(state("r1", api));
    DesiredSandbox changed = withInstall(api, "apt-get install -y ripgrep", "cargo install just");
    Plan plan = h.plan(state("r2", changed));
    Change c = only(plan, "api-dev");
    assertEquals(ChangeKind.REPLACE, c.kind());
    assertEquals("install commands changed: forces replacement", c.reason());
    assertEquals("install", c.fields().get(0).field());
    assertTrue(c.fields().get(0).forcesReplacement());
    assertTrue(PlanRenderer.render(plan).contains("-/+ sandbox api-dev (install commands changed: forces replacement)"),
        PlanRenderer.render(plan));

    assertTrue(h.apply(state("r2", changed)).succeeded());
    assertEquals(2, h.world.calls("runtime.create"));
    assertEquals(1, h.world.calls("runtime.destroy"));
    assertEquals(changed.immutableHash(), h.world.vm("api-dev").orElseThrow().immutableHash());
    assertEquals(VmState.RUNNING, h.world.vm("api-dev").orElseThrow().state());
    assertTrue(h.plan(state("r2", changed)).inSync());
  }

  @Test
  void replaceAlsoListsTheLiveChangesThatComeWithIt() {
    Harness h = new Harness(dir);
    DesiredSandbox api = sandbox("api-dev");
    h.apply(state("r1", api));
    DesiredSandbox changed = withAllow(withInstall(api, "make"), "api.github.com:443", "crates.io");
    Change c = only(h.plan(state("r2", changed)), "api-dev");
    assertEquals(ChangeKind.REPLACE, c.kind());
    assertEquals("install commands changed: forces replacement", c.reason());
    assertEquals(List.of("install", "egress.allow"), c.fields().stream().map(FieldChange::field).toList());
    h.apply(state("r2", changed));
    assertTrue(h.plan(state("r2", changed)).inSync());
  }

  @Test
  void pruneDeletesVmThenRulesThenBindingsAndTheRecord() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a"), sandbox("b")));
    Plan withoutPrune = h.plan(state("r2", sandbox("a")));
    assertFalse(withoutPrune.hasChanges());
    assertTrue(withoutPrune.warnings().stream().anyMatch(w -> w.sandbox().equals("b") && w.message().contains("--prune")));
    h.apply(state("r2", sandbox("a")));
    assertTrue(h.world.vm("b").isPresent(), "without --prune nothing is deleted");

    Plan pruning = h.plan(state("r2", sandbox("a")), dev.sbx.reconciler.plan.PlanOptions.pruning());
    assertEquals(ChangeKind.DELETE, only(pruning, "b").kind());
    assertTrue(PlanRenderer.render(pruning).contains("  - sandbox b"));
    assertTrue(h.apply(state("r2", sandbox("a")), dev.sbx.reconciler.plan.PlanOptions.pruning()).succeeded());
    assertTrue(h.world.vm("b").isEmpty());
    assertTrue(h.world.rules("b").isEmpty());
    assertTrue(h.world.bindings("b").isEmpty());
    assertTrue(h.state().store().get("b").isEmpty());
    assertTrue(h.world.vm("a").isPresent());
    // Order inside the delete: stop, destroy, then rules and bindings.
    List<String> actions = h.events.stream()
        .filter(e -> e instanceof ReconcileEvent.ActionStarted s && s.sandbox().equals("b"))
        .map(e -> ((ReconcileEvent.ActionStarted) e).action()).toList();
    assertEquals(List.of("vm.stop", "vm.destroy", "egress.remove", "secrets.unbindAll"),
        actions.subList(actions.size() - 4, actions.size()));
  }

  @Test
  void createOrderPutsRulesAndBindingsBeforeTheVmStarts() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a")));
    List<String> actions = h.events.stream()
        .filter(e -> e instanceof ReconcileEvent.ActionStarted)
        .map(e -> ((ReconcileEvent.ActionStarted) e).action()).toList();
    assertEquals(List.of("egress.set", "secrets.sync", "vm.create", "vm.updateLive", "vm.start"), actions);
  }

  @Test
  void ruleAddedByHandIsDriftAndIsRemoved() {
    Harness h = new Harness(dir);
    DesiredSandbox api = sandbox("api-dev");
    h.apply(state("r1", api));
    EgressSpec e = api.live().egress();
    h.world.putRules("api-dev", new EgressSpec(e.defaultMode(), List.of("api.github.com:443", "evil.example.com"), e.deny()));
    Plan plan = h.plan(state("r1", api));
    Change c = only(plan, "api-dev");
    assertEquals(ChangeKind.UPDATE, c.kind());
    assertTrue(c.drift());
    assertTrue(plan.hasDrift());
    assertEquals(List.of(FieldChange.remove("egress.allow", "\"evil.example.com\"")), c.fields());
    assertTrue(h.apply(state("r1", api)).succeeded());
    assertEquals(api.live().egress(), h.world.rules("api-dev").orElseThrow());
    assertTrue(h.plan(state("r1", api)).inSync());
  }

  @Test
  void stoppedVmIsStartedAgain() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a")));
    h.world.setVmState("a", VmState.STOPPED);
    Change c = only(h.plan(state("r1", sandbox("a"))), "a");
    assertEquals(ChangeKind.UPDATE, c.kind());
    assertEquals(List.of(FieldChange.set("state", "\"stopped\"", "\"running\"")), c.fields());
    h.apply(state("r1", sandbox("a")));
    assertEquals(VmState.RUNNING, h.world.vm("a").orElseThrow().state());
    assertEquals(1, h.world.calls("runtime.create"));
  }

  @Test
  void vmDeletedByHandIsCreatedAgain() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a")));
    h.world.removeVm("a");
    Change c = only(h.plan(state("r1", sandbox("a"))), "a");
    assertEquals(ChangeKind.CREATE, c.kind());
    assertTrue(c.drift());
    assertEquals("deleted outside sbx", c.reason());
    h.apply(state("r1", sandbox("a")));
    assertEquals(VmState.RUNNING, h.world.vm("a").orElseThrow().state());
  }

  @Test
  void driftWarnIsReportedButNotCorrected() {
    Harness h = new Harness(dir);
    DesiredSandbox a = withDrift(sandbox("a"), DriftMode.WARN);
    h.apply(state("r1", a));
    h.world.putRules("a", EgressSpec.denyAll());
    h.world.setVmState("a", VmState.STOPPED);
    Plan plan = h.plan(state("r1", a));
    Change c = only(plan, "a");
    assertEquals(ChangeKind.NO_OP, c.kind());
    assertTrue(c.drift());
    assertFalse(c.fields().isEmpty());
    assertFalse(plan.hasChanges());
    assertFalse(plan.inSync(), "diff --exit-code must still report drift");
    assertTrue(plan.warnings().stream().anyMatch(w -> w.message().contains("drift: warn")));
    assertTrue(PlanRenderer.render(plan).contains("  ! sandbox a"), PlanRenderer.render(plan));
    int before = h.world.mutations();
    h.apply(state("r1", a));
    assertEquals(before, h.world.mutations());
    assertEquals(EgressSpec.denyAll(), h.world.rules("a").orElseThrow());
    assertEquals(VmState.STOPPED, h.world.vm("a").orElseThrow().state());
  }

  @Test
  void driftIgnoreNeitherReportsNorCorrects() {
    Harness h = new Harness(dir);
    DesiredSandbox a = withDrift(sandbox("a"), DriftMode.IGNORE);
    h.apply(state("r1", a));
    h.world.removeVm("a");
    Plan plan = h.plan(state("r1", a));
    assertTrue(plan.inSync());
    assertTrue(plan.warnings().isEmpty());
    h.apply(state("r1", a));
    assertTrue(h.world.vm("a").isEmpty());
  }

  @Test
  void sourceChangesAreAppliedEvenWithDriftWarn() {
    Harness h = new Harness(dir);
    DesiredSandbox a = withDrift(sandbox("a"), DriftMode.WARN);
    h.apply(state("r1", a));
    DesiredSandbox changed = withAllow(a, "crates.io");
    assertEquals(ChangeKind.UPDATE, only(h.plan(state("r2", changed)), "a").kind());
    h.apply(state("r2", changed));
    assertEquals(List.of("crates.io"), h.world.rules("a").orElseThrow().allow());
  }

  @Test
  void sandboxNotCreatedBySbxIsNeverTouched() {
    Harness h = new Harness(dir);
    h.world.putVm(new RuntimeSandbox("a", "cli", "sha256:other", VmState.RUNNING, Map.of(), List.of()));
    Plan plan = h.plan(state("r1", sandbox("a")));
    assertEquals(ChangeKind.NO_OP, only(plan, "a").kind());
    assertTrue(plan.warnings().get(0).message().contains("sbx does not manage it"));
    ApplyResult r = h.apply(state("r1", sandbox("a")));
    assertTrue(r.succeeded());
    assertEquals("sha256:other", h.world.vm("a").orElseThrow().immutableHash());
    assertTrue(h.state().store().get("a").isEmpty());
    // ...and never pruned either.
    h.apply(state("r2"), new dev.sbx.reconciler.plan.PlanOptions(true, true));
    assertTrue(h.world.vm("a").isPresent());
  }

  @Test
  void transientFaultsAreRetriedWithExponentialBackoff() {
    Harness h = new Harness(dir);
    h.world.faults().fail("runtime.create", "a", dev.sbx.reconciler.actuator.ActuatorException.Kind.TRANSIENT, 2);
    ApplyResult r = h.apply(state("r1", sandbox("a")));
    assertTrue(r.succeeded(), r.toString());
    assertEquals(List.of(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(200)), h.sleeps);
    assertEquals(VmState.RUNNING, h.world.vm("a").orElseThrow().state());
  }

  @Test
  void transientFaultsGiveUpWhenAttemptsAreSpent() {
    Harness h = new Harness(dir);
    h.world.faults().fail("egress.set", "a", dev.sbx.reconciler.actuator.ActuatorException.Kind.TRANSIENT, 10);
    ApplyResult r = h.apply(state("r1", sandbox("a")));
    assertEquals(3, r.exitCode());
    assertEquals(3, h.sleeps.size(), "4 attempts = 3 waits");
  }

  @Test
  void permanentFaultIsNotRetriedAndOtherSandboxesGoOn() {
    Harness h = new Harness(dir);
    h.world.faults().fail("runtime.create", "b", dev.sbx.reconciler.actuator.ActuatorException.Kind.PERMANENT, 1);
    ApplyResult r = h.apply(state("r1", sandbox("a"), sandbox("b"), sandbox("c")));
    assertFalse(r.succeeded());
    assertEquals(3, r.exitCode());
    assertTrue(h.sleeps.isEmpty());
    SandboxResult b = r.failures().get(0);
    assertEquals("b", b.sandbox());
    assertEquals("vm.create", b.failedAction().orElseThrow());
    assertTrue(h.world.vm("a").isPresent());
    assertTrue(h.world.vm("c").isPresent());
    assertTrue(h.world.vm("b").isEmpty());
    // b stays in the inventory (created by sbx, unfinished) so it is prunable, and the next apply converges.
    assertFalse(h.state().store().get("b").orElseThrow().complete());
    assertTrue(h.apply(state("r1", sandbox("a"), sandbox("b"), sandbox("c"))).succeeded());
    assertTrue(h.plan(state("r1", sandbox("a"), sandbox("b"), sandbox("c"))).inSync());
  }

  @Test
  void environmentFaultMapsToExitFive() {
    Harness h = new Harness(dir);
    h.world.faults().fail("runtime.create", "a", dev.sbx.reconciler.actuator.ActuatorException.Kind.ENVIRONMENT, 1);
    assertEquals(5, h.apply(state("r1", sandbox("a"))).exitCode());
  }

  @Test
  void applyingTwiceChangesNothingTheSecondTime() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a"), sandbox("b")));
    String world = h.world.snapshot();
    int mutations = h.world.mutations();
    ApplyResult again = h.apply(state("r1", sandbox("a"), sandbox("b")));
    assertTrue(again.results().stream().allMatch(r -> r.status() == SandboxResult.Status.UNCHANGED));
    assertEquals(world, h.world.snapshot());
    assertEquals(mutations, h.world.mutations());
  }

  @Test
  void phasesAreReportedAsEvents() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a")));
    List<String> phases = h.events.stream().filter(e -> e instanceof ReconcileEvent.PhaseStarted)
        .map(e -> ((ReconcileEvent.PhaseStarted) e).phase().name()).toList();
    assertEquals(List.of("OBSERVE", "DIFF", "APPLY"), phases);
  }
}

package dev.sbx.reconciler;

import static dev.sbx.reconciler.Fixtures.SOURCE;
import static dev.sbx.reconciler.Fixtures.sandbox;
import static dev.sbx.reconciler.Fixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.SourceRef;
import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pruning only what this source created and recorded, only when asked, never from a broken source. */
class PruneTest {
  @TempDir Path dir;

  @Test
  void withoutPruneNothingIsDeleted() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a"), sandbox("b")));
    h.apply(state("r2"), PlanOptions.defaults());
    assertEquals(2, h.world.vms().size());
  }

  @Test
  void emptySourceIsRefusedUnlessConfirmed() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a"), sandbox("b")));
    Plan plan = h.plan(state("r2"), PlanOptions.pruning());
    assertFalse(plan.hasChanges());
    assertTrue(plan.warnings().stream().allMatch(w -> w.message().contains("--allow-empty-source")));
    h.apply(state("r2"), PlanOptions.pruning());
    assertEquals(2, h.world.vms().size());

    Plan confirmed = h.plan(state("r2"), new PlanOptions(true, true));
    assertEquals(2, confirmed.counts().get(ChangeKind.DELETE));
    h.apply(state("r2"), new PlanOptions(true, true));
    assertTrue(h.world.vms().isEmpty());
  }

  @Test
  void failedLoadNeverPrunes() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a"), sandbox("b")));
    DesiredState partial = new DesiredState(new SourceRef(SOURCE, "r2"), List.of(sandbox("a")),
        List.of("sandboxes/b.yaml:4: unknown field 'cpu'"));
    Plan plan = h.plan(partial, new PlanOptions(true, true));
    assertFalse(plan.hasChanges());
    assertTrue(plan.warnings().get(0).message().contains("failed to load"));
    h.apply(partial, new PlanOptions(true, true));
    assertTrue(h.world.vm("b").isPresent());
  }

  @Test
  void notOwnedAndOtherSourcesAreNeverPruned() {
    Harness h = new Harness(dir);
    h.world.putVm(new RuntimeSandbox("handmade", "cli", "sha256:x", VmState.RUNNING, Map.of(), List.of()));
    h.world.putVm(new RuntimeSandbox("labelled", SOURCE, "sha256:x", VmState.RUNNING, Map.of(), List.of()));
    DesiredState other = DesiredState.of(new SourceRef("git:https://github.com/org/other.git#main", "c1"),
        List.of(sandbox("theirs")));
    h.apply(other);
    h.apply(state("r1", sandbox("mine")));
    Plan plan = h.plan(state("r2", sandbox("keep")), new PlanOptions(true, true));
    assertEquals(1, plan.counts().get(ChangeKind.DELETE));
    assertTrue(plan.warnings().stream().anyMatch(w -> w.sandbox().equals("labelled") && w.message().contains("not in the state inventory")));
    h.apply(state("r2", sandbox("keep")), new PlanOptions(true, true));
    assertTrue(h.world.vm("handmade").isPresent());
    assertTrue(h.world.vm("labelled").isPresent());
    assertTrue(h.world.vm("theirs").isPresent());
    assertTrue(h.world.vm("mine").isEmpty());
  }
}

package dev.sbx.reconciler;

import static dev.sbx.reconciler.Fixtures.SOURCE;
import static dev.sbx.reconciler.Fixtures.sandbox;
import static dev.sbx.reconciler.Fixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.apply.ApplyResult;
import dev.sbx.reconciler.apply.SandboxResult;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.plan.Change;
import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.state.FileLockGuard;
import dev.sbx.reconciler.state.LockHolder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // locks are held for their blocks
class EdgeCasesTest {
  @TempDir Path dir;

  @Test
  void observeFailureChangesNothingAndReportsTheKind() {
    Harness h = new Harness(dir);
    h.world.faults().fail("runtime.list", "*", ActuatorException.Kind.ENVIRONMENT, 1);
    ActuatorException e = assertThrows(ActuatorException.class, () -> h.apply(state("r1", sandbox("a"))));
    assertEquals(ActuatorException.Kind.ENVIRONMENT, e.kind());
    assertEquals(0, h.world.mutations());
    assertTrue(h.state().store().load().records().isEmpty());
  }

  @Test
  void heldSandboxLockFailsOnlyThatSandbox() {
    Harness h = new Harness(dir);
    LockHolder controller = new LockHolder(7, "host", "sbx daemon", Instant.EPOCH);
    try (FileLockGuard busy = h.state().lockSandbox("b", controller, Duration.ZERO)) {
      ApplyResult r = h.apply(state("r1", sandbox("a"), sandbox("b")));
      assertEquals(3, r.exitCode());
      SandboxResult b = r.failures().get(0);
      assertEquals("b", b.sandbox());
      assertTrue(b.message().contains("sbx daemon"), b.message());
      assertTrue(h.world.vm("a").isPresent());
      assertTrue(h.world.vm("b").isEmpty());
    }
    assertTrue(h.apply(state("r1", sandbox("a"), sandbox("b"))).succeeded());
  }

  @Test
  void vmRebuiltOutsideSbxIsDriftAndReplaced() {
    Harness h = new Harness(dir);
    DesiredSandbox a = sandbox("a");
    h.apply(state("r1", a));
    h.world.putVm(new RuntimeSandbox("a", SOURCE, "sha256:rebuilt-by-hand", VmState.RUNNING, a.live().env(), a.live().startup()));
    Change c = h.plan(state("r1", a)).changes().get(0);
    assertEquals(ChangeKind.REPLACE, c.kind());
    assertTrue(c.drift());
    h.apply(state("r1", a));
    assertEquals(a.immutableHash(), h.world.vm("a").orElseThrow().immutableHash());
  }

  @Test
  void orphanedRulesOfAnUnknownSandboxAreLeftAlone() {
    Harness h = new Harness(dir);
    h.world.putRules("someone-else", dev.sbx.reconciler.desired.EgressSpec.denyAll());
    h.apply(state("r1", sandbox("a")), new dev.sbx.reconciler.plan.PlanOptions(true, true));
    assertTrue(h.world.rules("someone-else").isPresent());
  }

  @Test
  void retryEventsCarryTheDelay() {
    Harness h = new Harness(dir);
    h.world.faults().fail("egress.set", "a", ActuatorException.Kind.TRANSIENT, 1);
    h.apply(state("r1", sandbox("a")));
    List<dev.sbx.reconciler.event.ReconcileEvent.ActionFailed> failed = h.events.stream()
        .filter(e -> e instanceof dev.sbx.reconciler.event.ReconcileEvent.ActionFailed)
        .map(e -> (dev.sbx.reconciler.event.ReconcileEvent.ActionFailed) e).toList();
    assertEquals(1, failed.size());
    assertEquals(Duration.ofMillis(100), failed.get(0).retryIn().orElseThrow());
    assertTrue(h.events.stream().anyMatch(e -> e instanceof dev.sbx.reconciler.event.ReconcileEvent.ActionStarted s
        && s.action().equals("egress.set") && s.attempt() == 2));
  }
}

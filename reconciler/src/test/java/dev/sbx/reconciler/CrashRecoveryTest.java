package dev.sbx.reconciler;

import static dev.sbx.reconciler.Fixtures.sandbox;
import static dev.sbx.reconciler.Fixtures.state;
import static dev.sbx.reconciler.Fixtures.withInstall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.actuator.memory.SimulatedCrash;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.event.ReconcileEvent;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.state.JournalEntry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A crash at each point of an apply (an Error thrown by the in-memory world, which nothing
 * catches), then a fresh reconciler over the same state directory: the next apply converges, with
 * exactly one VM and nothing left over.
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  private static void assertConverged(Harness h, DesiredState desired) {
    Harness fresh = h.restart();
    assertTrue(fresh.apply(desired).succeeded());
    assertTrue(fresh.plan(desired).inSync(), "a second plan has only no-ops");
    assertTrue(fresh.state().journal().dangling().isEmpty(), "every intent has an outcome");
  }

  @ParameterizedTest(name = "crash {0} {1}")
  @CsvSource({
      "before, egress.set",
      "after, egress.set",
      "before, secrets.bind",
      "after, secrets.bind",
      "before, runtime.create",
      "after, runtime.create",
      "before, runtime.start",
      "after, runtime.start",
  })
  void crashDuringCreateConvergesWithOneVm(String when, String op) {
    Harness h = new Harness(dir);
    DesiredState desired = state("r1", sandbox("a"));
    if (when.equals("before")) {
      h.world.faults().crashBefore(op, "a");
    } else {
      h.world.faults().crashAfter(op, "a");
    }
    assertThrows(SimulatedCrash.class, () -> h.apply(desired));
    assertFalse(h.state().journal().dangling().isEmpty(), "the interrupted action left an intent");
    assertTrue(h.state().store().get("a").isPresent(), "the sandbox is in the inventory before its first action");

    assertConverged(h, desired);
    assertTrue(h.events.stream().anyMatch(e -> e instanceof ReconcileEvent.Warning w && w.message().contains("stopped during")));
    assertEquals(1, h.world.vms().size());
    assertEquals(1, h.world.calls("runtime.create"), "exactly one VM was ever built");
    assertEquals(VmState.RUNNING, h.world.vm("a").orElseThrow().state());
    assertEquals(0, h.world.calls("runtime.destroy"), "nothing was destroyed to recover");
  }

  @Test
  void crashAfterCreateBeforeRecordDoesNotCreateASecondVm() {
    Harness h = new Harness(dir);
    DesiredState desired = state("r1", sandbox("a"));
    h.world.faults().crashAfter("runtime.create", "a");
    assertThrows(SimulatedCrash.class, () -> h.apply(desired));
    assertFalse(h.state().store().get("a").orElseThrow().complete(), "the record was not finished");
    assertConverged(h, desired);
    assertEquals(1, h.world.calls("runtime.create"));
    assertTrue(h.state().store().get("a").orElseThrow().complete());
  }

  @Test
  void crashedCreateIsStillPrunableWhenTheSandboxLeavesTheSource() {
    Harness h = new Harness(dir);
    h.world.faults().crashAfter("runtime.create", "a");
    assertThrows(SimulatedCrash.class, () -> h.apply(state("r1", sandbox("a"), sandbox("keep"))));
    Harness fresh = h.restart();
    assertTrue(fresh.apply(state("r2", sandbox("keep")), PlanOptions.pruning()).succeeded());
    assertTrue(h.world.vm("a").isEmpty(), "no orphan VM");
    assertTrue(h.world.rules("a").isEmpty(), "no orphan rules");
    assertTrue(h.world.bindings("a").isEmpty(), "no orphan bindings");
    assertTrue(h.state().store().get("a").isEmpty());
  }

  @Test
  void crashInTheMiddleOfAReplaceConverges() {
    Harness h = new Harness(dir);
    DesiredSandbox a = sandbox("a");
    h.apply(state("r1", a));
    DesiredSandbox changed = withInstall(a, "make");
    h.world.faults().crashBefore("runtime.create", "a"); // after the old VM was destroyed
    assertThrows(SimulatedCrash.class, () -> h.apply(state("r2", changed)));
    assertTrue(h.world.vm("a").isEmpty(), "crashed between destroy and create");

    assertConverged(h, state("r2", changed));
    assertEquals(1, h.world.vms().size());
    assertEquals(changed.immutableHash(), h.world.vm("a").orElseThrow().immutableHash());
    assertEquals(2, h.world.calls("runtime.create"), "the first VM and the recovered one (the crash came before the call)");
  }

  @Test
  void crashAfterReplaceCreateConvergesWithoutAnotherRebuild() {
    Harness h = new Harness(dir);
    DesiredSandbox a = sandbox("a");
    h.apply(state("r1", a));
    DesiredSandbox changed = withInstall(a, "make");
    h.world.faults().crashAfter("runtime.create", "a");
    assertThrows(SimulatedCrash.class, () -> h.apply(state("r2", changed)));
    assertConverged(h, state("r2", changed));
    assertEquals(2, h.world.calls("runtime.create"));
    assertEquals(1, h.world.calls("runtime.destroy"));
  }

  @Test
  void crashDuringPruneConverges() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a"), sandbox("b")));
    h.world.faults().crashAfter("runtime.destroy", "b");
    assertThrows(SimulatedCrash.class, () -> h.apply(state("r2", sandbox("a")), PlanOptions.pruning()));
    assertTrue(h.state().store().get("b").isPresent(), "record kept until the delete finished");
    Harness fresh = h.restart();
    assertTrue(fresh.apply(state("r2", sandbox("a")), PlanOptions.pruning()).succeeded());
    assertTrue(h.world.rules("b").isEmpty());
    assertTrue(h.world.bindings("b").isEmpty());
    assertTrue(h.state().store().get("b").isEmpty());
  }

  @Test
  void recoveryClosesDanglingIntentsInTheJournal() {
    Harness h = new Harness(dir);
    h.world.faults().crashBefore("runtime.start", "a");
    assertThrows(SimulatedCrash.class, () -> h.apply(state("r1", sandbox("a"))));
    JournalEntry open = h.state().journal().dangling().get(0);
    assertEquals("vm.start", open.action());
    h.restart().apply(state("r1", sandbox("a")));
    assertTrue(h.state().journal().entries().stream().anyMatch(
        e -> e.id().equals(open.id()) && JournalEntry.RECOVERED.equals(e.status())));
  }
}

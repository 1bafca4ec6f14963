package dev.sbx.reconciler;

import static dev.sbx.reconciler.Fixtures.sandbox;
import static dev.sbx.reconciler.Fixtures.state;
import static dev.sbx.reconciler.Fixtures.withAllow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.apply.StalePlanException;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanFormatException;
import dev.sbx.reconciler.plan.PlanJson;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sbx plan -o plan.json} then {@code sbx apply plan.json}. */
class SavedPlanTest {
  @TempDir Path dir;

  @Test
  void savedPlanAppliesExactlyWhatItShows() {
    Harness h = new Harness(dir);
    String saved = PlanJson.write(h.plan(state("r1", sandbox("a"), sandbox("b"))));
    Plan plan = PlanJson.read(saved);
    assertTrue(h.restart().reconciler.apply(plan, Harness.options()).succeeded());
    assertEquals(2, h.world.vms().size());
    assertTrue(h.plan(state("r1", sandbox("a"), sandbox("b"))).inSync());
  }

  @Test
  void stalePlanIsRefusedAndChangesNothing() {
    Harness h = new Harness(dir);
    h.apply(state("r1", sandbox("a")));
    Plan plan = PlanJson.read(PlanJson.write(h.plan(state("r2", withAllow(sandbox("a"), "crates.io")))));
    h.world.setVmState("a", VmState.STOPPED); // the world moved on
    int mutations = h.world.mutations();
    StalePlanException e = assertThrows(StalePlanException.class, () -> h.reconciler.apply(plan, Harness.options()));
    assertTrue(e.getMessage().contains("sbx plan"));
    assertEquals(mutations, h.world.mutations());
  }

  @Test
  void planAppliedOnceIsStaleTheSecondTime() {
    Harness h = new Harness(dir);
    Plan plan = h.plan(state("r1", sandbox("a")));
    h.reconciler.apply(plan, Harness.options());
    assertThrows(StalePlanException.class, () -> h.reconciler.apply(plan, Harness.options()));
    assertEquals(1, h.world.calls("runtime.create"));
  }

  @Test
  void editedPlanIsRefused() {
    Harness h = new Harness(dir);
    String saved = PlanJson.write(h.plan(state("r1", sandbox("a"))));
    String edited = saved.replace("api.github.com:443", "evil.example.com:443");
    PlanFormatException e = assertThrows(PlanFormatException.class, () -> PlanJson.read(edited));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @Test
  void otherFormatVersionsAndGarbageAreRefused() {
    Harness h = new Harness(dir);
    String saved = PlanJson.write(h.plan(state("r1", sandbox("a"))));
    assertThrows(PlanFormatException.class, () -> PlanJson.read(saved.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2")));
    assertThrows(PlanFormatException.class, () -> PlanJson.read("not json"));
    assertThrows(PlanFormatException.class, () -> PlanJson.read("[]"));
    assertThrows(PlanFormatException.class, () -> PlanJson.read("{\"formatVersion\": 1}"));
  }
}

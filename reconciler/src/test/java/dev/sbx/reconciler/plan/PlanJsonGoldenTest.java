package dev.sbx.reconciler.plan;

import static dev.sbx.reconciler.Fixtures.sandbox;
import static dev.sbx.reconciler.Fixtures.state;
import static dev.sbx.reconciler.Fixtures.withAllow;
import static dev.sbx.reconciler.Fixtures.withDrift;
import static dev.sbx.reconciler.Fixtures.withInstall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.Harness;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.DriftMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code -o json} form is a contract: this golden file changes only on purpose (and then with
 * a formatVersion bump when a field is removed or changes meaning). Regenerate with
 * {@code -Dsbx.updateGolden=true} and review the diff.
 */
class PlanJsonGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/dev/sbx/reconciler/plan/plan-v1.golden.json");
  /** Stands for a real credential: it lives in the secret store only, never in the model. */
  private static final String SECRET_VALUE = "ghp_0123456789SECRETVALUEabcdef";

  @TempDir Path dir;

  /** One plan with every kind of change: update, replace, delete, create, no-op, reported drift. */
  private Plan everyKind(Harness h) {
    h.apply(state("r1", sandbox("a-update"), sandbox("b-replace"), sandbox("c-delete"), sandbox("d-same"),
        withDrift(sandbox("f-warn"), DriftMode.WARN)));
    h.world.setVmState("f-warn", VmState.STOPPED);
    DesiredState next = state("r2",
        withAllow(sandbox("a-update"), "api.github.com:443", "crates.io"),
        withInstall(sandbox("b-replace"), "apt-get install -y ripgrep", "cargo install just"),
        sandbox("d-same"),
        sandbox("e-create"),
        withDrift(sandbox("f-warn"), DriftMode.WARN));
    return h.plan(next, PlanOptions.pruning());
  }

  @Test
  void jsonFormIsStable() throws IOException {
    String json = PlanJson.write(everyKind(new Harness(dir)));
    if (Boolean.getBoolean("sbx.updateGolden")) {
      Files.writeString(GOLDEN, json);
    }
    assertEquals(Files.readString(GOLDEN), json);
  }

  @Test
  void jsonRoundTripsToTheSamePlan() {
    Plan plan = everyKind(new Harness(dir));
    assertEquals(plan, PlanJson.read(PlanJson.write(plan)));
  }

  @Test
  void humanFormShowsEveryKind() {
    String text = PlanRenderer.render(everyKind(new Harness(dir)));
    assertTrue(text.contains("  - sandbox c-delete (not in source dir:/srv/gitops; pruned)"), text);
    assertTrue(text.contains("-/+ sandbox b-replace (install commands changed: forces replacement)"), text);
    assertTrue(text.contains("  ~ sandbox a-update (live settings changed)"), text);
    assertTrue(text.contains("      egress.allow: + \"crates.io\""), text);
    assertTrue(text.contains("  + sandbox e-create (new)"), text);
    assertTrue(text.contains("  ! sandbox f-warn (drift reported, not corrected (drift: warn))"), text);
    assertTrue(text.contains("Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy."), text);
    assertFalse(text.contains("d-same"), text);
  }

  @Test
  void noSecretValueInPlansStateOrJournal() throws IOException {
    Harness h = new Harness(dir);
    Plan plan = everyKind(h);
    String json = PlanJson.write(plan);
    String human = PlanRenderer.render(plan);
    h.apply(state("r2", sandbox("e-create")));
    StringBuilder stateFiles = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        stateFiles.append(Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    for (String text : new String[] {json, human, stateFiles.toString()}) {
      assertFalse(text.contains(SECRET_VALUE));
      assertFalse(text.contains("\"value\""), "bindings carry names, never a value field");
    }
    assertTrue(human.contains("value redacted"), human);
    assertTrue(json.contains("\"credential\" : \"gh-token\""), "the credential is named, its value is not");
  }
}

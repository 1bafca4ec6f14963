package dev.sbx.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.DriftMode;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.SecretBinding;
import dev.sbx.reconciler.desired.SourceRef;
import dev.sbx.reconciler.plan.Change;
import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * For random histories (a first apply, changes made by hand, a new desired state, random prune
 * options): applying the plan converges (planning again gives only no-ops) and applying again
 * changes nothing in the world.
 */
class ConvergencePropertyTest {
  private static final List<String> NAMES = List.of("s0", "s1", "s2", "s3", "s4", "s5");
  private static final List<String> HOSTS = List.of("api.github.com:443", "crates.io", "*.registry.example.com", "example.com");

  @Property(tries = 100)
  void applyConvergesAndIsIdempotent(@ForAll long seed) throws IOException {
    Random r = new Random(seed);
    Path dir = Files.createTempDirectory(scratch(), "sbx-prop");
    try {
      Harness h = new Harness(dir);
      h.apply(randomDesired(r, "r1"), new PlanOptions(r.nextBoolean(), r.nextBoolean()));
      meddle(r, h);
      DesiredState desired = randomDesired(r, "r2");
      PlanOptions options = new PlanOptions(r.nextBoolean(), r.nextBoolean());

      Plan first = h.plan(desired, options);
      h.reconciler.apply(first, Harness.options());

      Plan again = h.plan(desired, options);
      for (Change c : again.changes()) {
        assertEquals(ChangeKind.NO_OP, c.kind(), () -> "seed " + seed + ": not converged: " + c);
      }
      String world = h.world.snapshot();
      int mutations = h.world.mutations();
      assertTrue(h.apply(desired, options).succeeded());
      assertEquals(world, h.world.snapshot(), "seed " + seed);
      assertEquals(mutations, h.world.mutations(), "seed " + seed + ": second apply changed the world");
    } finally {
      deleteTree(dir);
    }
  }

  /** tmpfs when there is one: the state store's fsyncs are real work on disk and this runs many tries. */
  private static Path scratch() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static DesiredState randomDesired(Random r, String revision) {
    List<DesiredSandbox> out = new ArrayList<>();
    for (String name : NAMES) {
      if (r.nextInt(3) == 0) {
        continue;
      }
      DesiredSandbox s = Fixtures.sandbox(name);
      if (r.nextBoolean()) {
        s = Fixtures.withAllow(s, pick(r, HOSTS, 1 + r.nextInt(3)).toArray(String[]::new));
      }
      if (r.nextInt(4) == 0) {
        s = Fixtures.withInstall(s, "make", "make install");
      }
      s = Fixtures.withDrift(s, DriftMode.values()[r.nextInt(10) < 6 ? 0 : 1 + r.nextInt(2)]);
      out.add(s);
    }
    return DesiredState.of(new SourceRef(Fixtures.SOURCE, revision), out);
  }

  /** Changes made outside sbx: hand-made VMs, stopped or deleted VMs, rules and bindings edited. */
  private static void meddle(Random r, Harness h) {
    for (String name : NAMES) {
      switch (r.nextInt(8)) {
        case 0 -> h.world.removeVm(name);
        case 1 -> {
          if (h.world.vm(name).isPresent()) {
            h.world.setVmState(name, r.nextBoolean() ? VmState.STOPPED : VmState.EXITED);
          }
        }
        case 2 -> h.world.putRules(name, new EgressSpec("allow-all", pick(r, HOSTS, 2), List.of()));
        case 3 -> h.world.putBinding(name, new SecretBinding("npm", "npm-token", List.of("registry.example.com")));
        case 4 -> {
          if (h.world.vm(name).isEmpty()) {
            String owner = r.nextBoolean() ? "cli" : Fixtures.SOURCE;
            h.world.putVm(new RuntimeSandbox(name, owner, "sha256:handmade", VmState.RUNNING, Map.of(), List.of()));
          }
        }
        default -> { }
      }
    }
  }

  private static List<String> pick(Random r, List<String> from, int n) {
    List<String> copy = new ArrayList<>(from);
    java.util.Collections.shuffle(copy, r);
    return copy.subList(0, Math.min(n, copy.size()));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}

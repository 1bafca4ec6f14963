package dev.sbx.reconciler.bench;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.actuator.memory.InMemoryWorld;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.DriftMode;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.ImmutableSpec;
import dev.sbx.reconciler.desired.LiveSpec;
import dev.sbx.reconciler.desired.Mount;
import dev.sbx.reconciler.desired.Provenance;
import dev.sbx.reconciler.desired.Resources;
import dev.sbx.reconciler.desired.SecretBinding;
import dev.sbx.reconciler.desired.SourceRef;
import dev.sbx.reconciler.observe.ActualState;
import dev.sbx.reconciler.observe.Observer;
import dev.sbx.reconciler.plan.Differ;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanJson;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.state.Inventory;
import dev.sbx.reconciler.state.SandboxRecord;
import dev.sbx.reconciler.state.StateStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Benchmark harness for the diff pipeline over generated sandboxes against an in-memory actual
 * state. Measured per size: compile (building the desired records, standing in for the desired-
 * state compiler), observe (reading the in-memory actuators), state load (N record files from
 * tmpfs), diff, and the JSON plan; plus bytes allocated per run and heap retained by one run's
 * values. Loading manifests and merging kits are not included yet (those modules do not exist).
 *
 * <p>Run with {@code bench/reconciler-diff.sh [sizes...]}. Not a unit test: it prints figures.
 */
public final class DiffPipelineBench {
  private static final String SOURCE = "dir:/bench";
  private static final int RUNS = 5;

  private DiffPipelineBench() {}

  public static void main(String[] args) throws IOException {
    int[] sizes = args.length == 0 ? new int[] {100, 1_000, 10_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.printf("JVM %s, %d cores, max heap %d MiB%n", System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    System.out.println("Phases in thread CPU time (medians); wall = elapsed time of the whole run.");
    System.out.printf("%-7s %9s %9s %10s %9s %9s %9s %10s %11s %11s %8s%n", "sandboxes", "compile", "observe", "stateLoad",
        "diff", "json", "cpu", "wall", "alloc/run", "retained", "changes");
    for (int n : sizes) {
      run(n);
    }
  }

  private static void run(int n) throws IOException {
    InMemoryWorld world = world(n);
    Path stateDir = Files.createTempDirectory(scratch(), "sbx-bench");
    try {
      StateStore store = new StateStore(stateDir);
      for (DesiredSandbox s : compile(n, "r1").sandboxes()) {
        store.put(new SandboxRecord(s.name(), SOURCE, true, Optional.of(s), "r1", Instant.EPOCH));
      }
      long[][] times = new long[RUNS][6];
      long allocated = 0;
      int changes = 0;
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      // Warm up for at least 10 s and 3 runs: on a loaded 2-core machine the JIT needs that long
      // before the hot paths are compiled (measured: 8x slower diff at 1,000 after only 30 runs).
      long warmupEnd = System.nanoTime() + 10_000_000_000L;
      int warmup = 0;
      while (warmup < 3 || System.nanoTime() < warmupEnd) {
        pipeline(n, world, store);
        warmup++;
      }
      for (int i = warmup; i < warmup + RUNS; i++) {
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long w0 = System.nanoTime();
        long t0 = threads.getCurrentThreadCpuTime();
        DesiredState desired = compile(n, "r2");
        long t1 = threads.getCurrentThreadCpuTime();
        ActualState actual = new Observer(world.actuators()).observe();
        long t2 = threads.getCurrentThreadCpuTime();
        Inventory inventory = store.load();
        long t3 = threads.getCurrentThreadCpuTime();
        Plan plan = Differ.diff(desired, actual, inventory, PlanOptions.pruning());
        long t4 = threads.getCurrentThreadCpuTime();
        String json = PlanJson.write(plan);
        long t5 = threads.getCurrentThreadCpuTime();
        long w1 = System.nanoTime();
        long a1 = threads.getCurrentThreadAllocatedBytes();
        if (i >= warmup) {
          times[i - warmup] = new long[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, w1 - w0};
          allocated = Math.max(allocated, a1 - a0);
          changes = (int) plan.changes().stream().filter(c -> c.kind() != dev.sbx.reconciler.plan.ChangeKind.NO_OP).count();
        }
        if (json.isEmpty()) {
          throw new IllegalStateException("empty plan");
        }
      }
      long retained = retained(n, world, store);
      long[] med = new long[6];
      for (int p = 0; p < 6; p++) {
        final int col = p;
        med[p] = Arrays.stream(times).mapToLong(t -> t[col]).sorted().toArray()[RUNS / 2];
      }
      long cpu = med[0] + med[1] + med[2] + med[3] + med[4];
      System.out.printf("%-9d %7.1fms %7.1fms %8.1fms %7.1fms %7.1fms %7.1fms %8.1fms %8.1f MiB %8.1f MiB %8d%n", n,
          ms(med[0]), ms(med[1]), ms(med[2]), ms(med[3]), ms(med[4]), ms(cpu), ms(med[5]), allocated / 1048576.0,
          retained / 1048576.0, changes);
    } finally {
      try (Stream<Path> files = Files.walk(stateDir)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void pipeline(int n, InMemoryWorld world, StateStore store) {
    Plan plan = Differ.diff(compile(n, "r2"), new Observer(world.actuators()).observe(), store.load(), PlanOptions.pruning());
    if (PlanJson.write(plan).isEmpty()) {
      throw new IllegalStateException("empty plan");
    }
  }

  /** Heap held by one run's desired state, observation, inventory and plan (after full GCs). */
  private static long retained(int n, InMemoryWorld world, StateStore store) {
    long before = usedAfterGc();
    Object[] keep = new Object[4];
    keep[0] = compile(n, "r2");
    keep[1] = new Observer(world.actuators()).observe();
    keep[2] = store.load();
    keep[3] = Differ.diff((DesiredState) keep[0], (ActualState) keep[1], (Inventory) keep[2], PlanOptions.pruning());
    long after = usedAfterGc();
    if (keep[3] == null) {
      throw new IllegalStateException();
    }
    return after - before;
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** The desired state: every 50th sandbox gets a new allow rule, every 200th a new install command. */
  static DesiredState compile(int n, String revision) {
    List<DesiredSandbox> out = new ArrayList<>(n);
    boolean changed = revision.equals("r2");
    for (int i = 0; i < n; i++) {
      String name = "sbx-" + i;
      List<String> allow = new ArrayList<>(List.of("api.github.com:443", "*.crates.io", "team-" + (i % 17) + ".example.com"));
      if (changed && i % 50 == 0) {
        allow.add("new-" + i + ".example.com");
      }
      List<String> install = new ArrayList<>(List.of("apt-get install -y ripgrep", "cargo install just"));
      if (changed && i % 200 == 7) {
        install.add("make tools");
      }
      out.add(new DesiredSandbox(name, i % 3 == 0 ? "codex" : "claude",
          new ImmutableSpec("sbx/agent:1", "debian-cloud-6.1", install, new Resources(2, 2048), "/srv/work/" + name,
              List.of(new Mount("/srv/docs", true))),
          new LiveSpec(new EgressSpec("deny-all", allow, List.of("*.pastebin.com")),
              List.of(new SecretBinding("github", "gh-token", List.of("api.github.com"))),
              Map.of("EDITOR", "vi", "TEAM", "team-" + (i % 17)), List.of("echo ready")),
          DriftMode.CORRECT, new Provenance(SOURCE, "sandboxes/" + name + ".yaml:1")));
    }
    return DesiredState.of(new SourceRef(SOURCE, revision), out);
  }

  /** The world as applied at r1, with drift: 1 % stopped, 1 % deleted, 2 % with a hand-added rule. */
  static InMemoryWorld world(int n) {
    InMemoryWorld world = new InMemoryWorld();
    for (DesiredSandbox s : compile(n, "r1").sandboxes()) {
      int i = Integer.parseInt(s.name().substring(4));
      if (i % 100 != 3) {
        world.putVm(new RuntimeSandbox(s.name(), SOURCE, s.immutableHash(),
            i % 100 == 5 ? VmState.STOPPED : VmState.RUNNING, s.live().env(), s.live().startup()));
      }
      EgressSpec e = s.live().egress();
      if (i % 50 == 11) {
        List<String> allow = new ArrayList<>(e.allow());
        allow.add("by-hand.example.com");
        e = new EgressSpec(e.defaultMode(), allow, e.deny());
      }
      world.putRules(s.name(), e);
      s.live().secrets().forEach(b -> world.putBinding(s.name(), b));
    }
    return world;
  }

  private static Path scratch() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }
}

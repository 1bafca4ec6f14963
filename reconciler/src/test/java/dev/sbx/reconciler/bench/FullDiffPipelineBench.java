package dev.sbx.reconciler.bench;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.actuator.memory.InMemoryWorld;
import dev.sbx.reconciler.compile.CompiledState;
import dev.sbx.reconciler.compile.DesiredCompiler;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.merge.KitAllows;
import dev.sbx.reconciler.observe.ActualState;
import dev.sbx.reconciler.observe.Observer;
import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.plan.Differ;
import dev.sbx.reconciler.plan.Plan;
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
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The whole diff pipeline from files on disk: <b>load</b> (YAML, schema validation, kit loading),
 * <b>merge</b> (each sandbox stacks the built-in {@code shell} agent and 5 mixin kits, under one
 * NetworkPolicy) and <b>compile</b> (to {@code DesiredSandbox}) — timed together as
 * {@code DesiredCompiler.compileDirectory} — then <b>observe</b> (an in-memory world that runs
 * every sandbox, 2 % of them with a rule added by hand), <b>state load</b> and <b>diff</b>.
 * Sizes 100, 1,000 and 10,000 show how time and memory grow.
 *
 * <p>Run with {@code bench/reconciler-pipeline.sh [sizes...]}. Not a unit test: it prints figures.
 */
public final class FullDiffPipelineBench {
  private static final int KITS = 5;

  private FullDiffPipelineBench() {}

  public static void main(String[] args) throws IOException {
    int[] sizes = args.length == 0 ? new int[] {100, 1_000, 10_000}
        : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.printf("JVM %s, %d cores, max heap %d MiB%n", System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    System.out.println("Thread CPU time, median of the measured runs; retained = heap held by one"
        + " run's desired state, observation, inventory and plan after full GCs.");
    System.out.printf("%-9s %5s %16s %9s %10s %9s %11s %11s %11s %8s%n", "sandboxes", "runs",
        "load+merge+comp", "observe", "stateLoad", "diff", "total", "per sandbox", "retained", "changes");
    for (int n : sizes) {
      run(n);
    }
  }

  private static void run(int n) throws IOException {
    Path work = Files.createTempDirectory(scratch(), "sbx-pipeline");
    try {
      Path dir = GitOpsTree.write(work.resolve("gitops"), n);
      DesiredCompiler compiler = new DesiredCompiler(service -> List.of());
      CompiledState applied = compiler.compileDirectory(dir, KitAllows.ALLOW);
      InMemoryWorld world = worldRunning(applied);
      StateStore store = new StateStore(work.resolve("state"));
      for (DesiredSandbox s : applied.desired().sandboxes()) {
        store.put(new SandboxRecord(s.name(), applied.desired().source().id(), true, Optional.of(s),
            applied.desired().source().revision(), Instant.EPOCH));
      }
      int runs = n >= 10_000 ? 3 : 5;
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      // Warm the JIT (at least 3 runs and 10 s): a loaded 2-core machine compiles late.
      long warmupEnd = System.nanoTime() + 10_000_000_000L;
      for (int w = 0; w < 3 || System.nanoTime() < warmupEnd; w++) {
        Differ.diff(compiler.compileDirectory(dir, KitAllows.ALLOW).desired(),
            new Observer(world.actuators()).observe(), store.load(), PlanOptions.pruning());
      }
      long[][] times = new long[runs][];
      int changes = 0;
      for (int i = 0; i < runs; i++) {
        long t0 = threads.getCurrentThreadCpuTime();
        CompiledState compiled = compiler.compileDirectory(dir, KitAllows.ALLOW);
        long t1 = threads.getCurrentThreadCpuTime();
        ActualState actual = new Observer(world.actuators()).observe();
        long t2 = threads.getCurrentThreadCpuTime();
        Inventory inventory = store.load();
        long t3 = threads.getCurrentThreadCpuTime();
        Plan plan = Differ.diff(compiled.desired(), actual, inventory, PlanOptions.pruning());
        long t4 = threads.getCurrentThreadCpuTime();
        times[i] = new long[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
        changes = (int) plan.changes().stream().filter(c -> c.kind() != ChangeKind.NO_OP).count();
      }
      long[] med = new long[4];
      for (int p = 0; p < 4; p++) {
        final int col = p;
        med[p] = Arrays.stream(times).mapToLong(t -> t[col]).sorted().toArray()[runs / 2];
      }
      long total = med[0] + med[1] + med[2] + med[3];
      long retained = retained(compiler, dir, world, store);
      System.out.printf("%-9d %5d %14.1fms %7.1fms %8.1fms %7.1fms %9.1fms %9.3fms %7.1f MiB %8d%n",
          n, runs, ms(med[0]), ms(med[1]), ms(med[2]), ms(med[3]), ms(total), ms(total) / n,
          retained / 1048576.0, changes);
    } finally {
      delete(work);
    }
  }

  /** Every sandbox running as compiled; every 50th has a rule added by hand (drift). */
  private static InMemoryWorld worldRunning(CompiledState applied) {
    InMemoryWorld world = new InMemoryWorld();
    int i = 0;
    for (DesiredSandbox s : applied.desired().sandboxes()) {
      world.putVm(new RuntimeSandbox(s.name(), applied.desired().source().id(), s.immutableHash(),
          VmState.RUNNING, s.live().env(), s.live().startup()));
      EgressSpec e = s.live().egress();
      if (i++ % 50 == 11) {
        List<String> allow = new ArrayList<>(e.allow());
        allow.add("by-hand.example.com");
        e = new EgressSpec(e.defaultMode(), allow, e.deny());
      }
      world.putRules(s.name(), e);
      s.live().secrets().forEach(b -> world.putBinding(s.name(), b));
    }
    return world;
  }

  private static long retained(DesiredCompiler compiler, Path dir, InMemoryWorld world,
      StateStore store) {
    long before = usedAfterGc();
    Object[] keep = new Object[4];
    keep[0] = compiler.compileDirectory(dir, KitAllows.ALLOW);
    keep[1] = new Observer(world.actuators()).observe();
    keep[2] = store.load();
    keep[3] = Differ.diff(((CompiledState) keep[0]).desired(), (ActualState) keep[1],
        (Inventory) keep[2], PlanOptions.pruning());
    long after = usedAfterGc();
    if (keep[3] == null) {
      throw new IllegalStateException();
    }
    return after - before;
  }

  /** A GitOps directory: one policy, {@value #KITS} mixin kits, N Sandbox manifests stacking all. */
  static final class GitOpsTree {
    private GitOpsTree() {}

    static Path write(Path dir, int sandboxes) throws IOException {
      Files.createDirectories(dir.resolve("sandboxes"));
      Files.writeString(dir.resolve("policy.yaml"), """
          apiVersion: sbx/v1
          kind: NetworkPolicy
          metadata: {name: team}
          spec:
            default: deny-all
            allow: ["api.github.com:443", "*.crates.io"]
            deny: ["*.pastebin.com"]
          """);
      StringBuilder kitRefs = new StringBuilder();
      for (int k = 0; k < KITS; k++) {
        Path kit = dir.resolve("kits/tool-" + k);
        Files.createDirectories(kit);
        Files.writeString(kit.resolve("spec.yaml"), """
            schemaVersion: "2"
            kind: mixin
            name: tool-%1$d
            description: generated mixin %1$d
            permissions:
              network:
                allow: ["static-%1$d.crates.io:443", "*.tool-%1$d.example.com"]
                deny: ["upload.tool-%1$d.example.com"]
            environment:
              variables: {TOOL_%1$d_HOME: /opt/tool-%1$d}
            setup:
              install:
                - command: "echo install tool-%1$d"
              startup:
                - command: ["sh", "-c", "echo tool-%1$d ready"]
            """.formatted(k));
        kitRefs.append(k == 0 ? "" : ", ").append("../kits/tool-").append(k);
      }
      for (int i = 0; i < sandboxes; i++) {
        Files.writeString(dir.resolve("sandboxes/sb-" + i + ".yaml"), """
            apiVersion: sbx/v1
            kind: Sandbox
            metadata: {name: sb-%d}
            spec:
              agent: shell
              kits: [%s]
              workspace: /srv/work/sb-%d
              resources: {cpus: 1, memory: 512m}
              policy: team
            """.formatted(i, kitRefs, i));
      }
      return dir;
    }
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

  private static void delete(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Path scratch() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm
        : Path.of(System.getProperty("java.io.tmpdir"));
  }
}

package dev.sbx.vm.bench;

import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.image.Files2;
import dev.sbx.vm.microvm.MicrovmRuntime;
import dev.sbx.vm.qemu.Accel;
import dev.sbx.vm.qemu.ProbeBoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Boot benchmark (run by {@code bench/vm-boot.sh}): in the same run, alternately
 * (1) a bare QEMU boot of the same kernel and initramfs to a shell-script /init
 * ({@code rdinit=/sbin/sbx-probe}) and (2) sbx create + start until the agent is ready and
 * configured; then the host memory an idle sandbox costs beyond its guest RAM.
 */
public final class BootBenchmark {
  private BootBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "sbx-bench-");
    var dirs = SbxDirs.fromEnvironment().withState(dir.resolve("state"));
    var runtime = new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment().withDirs(dirs));
    try {
      var verdict = runtime.accel();
      System.out.println("accel: " + verdict.accel() + " (" + verdict.reason() + ")");
      var image = imageOf(runtime);
      var bare = new ArrayList<Long>();
      var ready = new ArrayList<Long>();
      for (int i = 0; i < rounds; i++) {
        var t = ProbeBoot.run("qemu-system-x86_64", image, verdict.accel(), dir.resolve("probe"), Duration.ofSeconds(90));
        bare.add(t.map(Duration::toMillis).orElse(-1L));
        String name = "bench" + i;
        long t0 = System.nanoTime();
        runtime.create(SandboxSpec.minimal(name));
        runtime.start(name);
        ready.add((System.nanoTime() - t0) / 1_000_000);
        runtime.destroy(name);
        System.out.printf("round %d: bare QEMU to /init %d ms, sbx create-to-ready %d ms%n", i + 1, bare.get(i),
            ready.get(i));
      }
      System.out.println("bare QEMU boot to /init (ms): " + summary(bare));
      System.out.println("sbx create-to-ready (ms):     " + summary(ready));
      memory(runtime, dir);
    } finally {
      for (SandboxInfo info : runtime.list()) {
        runtime.destroy(info.name());
      }
      runtime.close();
      Files2.deleteTree(dir);
    }
  }

  private static dev.sbx.vm.image.GuestImage imageOf(MicrovmRuntime runtime) throws Exception {
    var field = MicrovmRuntime.class.getDeclaredField("images");
    field.setAccessible(true);
    Object images = field.get(runtime);
    var method = images.getClass().getDeclaredMethod("image");
    method.setAccessible(true);
    return (dev.sbx.vm.image.GuestImage) method.invoke(images);
  }

  /** Idle sandbox with a workspace share: QEMU and virtiofsd RSS minus the guest RAM (shmem). */
  private static void memory(MicrovmRuntime runtime, Path dir) throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    var spec = SandboxSpec.minimal("idle").withWorkspace(ws).withResources(1, 512);
    runtime.create(spec);
    SandboxInfo info = runtime.start("idle");
    runtime.run("idle", ExecRequest.asAgent("true"), Duration.ofSeconds(30));
    Thread.sleep(5000);
    long qemu = info.pid().orElseThrow();
    var qemuStatus = status(qemu);
    long helpersAnon = 0;
    long helpersShmem = 0;
    for (long pid : helperPids(runtime.sandboxDir("idle").toString())) {
      var s = status(pid);
      helpersAnon += s.getOrDefault("RssAnon", 0L) + s.getOrDefault("RssFile", 0L);
      helpersShmem += s.getOrDefault("RssShmem", 0L);
    }
    long qemuOwn = qemuStatus.getOrDefault("RssAnon", 0L) + qemuStatus.getOrDefault("RssFile", 0L);
    long guestTouched = qemuStatus.getOrDefault("RssShmem", 0L);
    System.out.printf("idle sandbox (512 MiB guest, 1 workspace share): QEMU RSS %d KiB = guest RAM touched "
        + "(RssShmem) %d KiB + QEMU own (RssAnon+RssFile) %d KiB; virtiofsd own %d KiB (+%d KiB shared guest pages)%n",
        qemuStatus.getOrDefault("VmRSS", 0L), guestTouched, qemuOwn, helpersAnon, helpersShmem);
    System.out.printf("host memory per idle sandbox beyond guest RAM: %d KiB (%.1f MiB); of which QEMU RssAnon %d KiB,"
        + " QEMU RssFile (binary and libraries, shared between VMs) %d KiB%n", qemuOwn + helpersAnon,
        (qemuOwn + helpersAnon) / 1024.0, qemuStatus.getOrDefault("RssAnon", 0L), qemuStatus.getOrDefault("RssFile", 0L));
    String free = runtime.run("idle", ExecRequest.asRoot("free", "-k"), Duration.ofSeconds(30)).stdoutText();
    System.out.println("guest `free -k`:\n" + free.strip());
  }

  private static List<Long> helperPids(String marker) throws IOException {
    var pids = new ArrayList<Long>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmd.contains("virtiofsd") && cmd.contains(marker)) {
            pids.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException ignored) {
          // gone
        }
      }
    }
    return pids;
  }

  private static Map<String, Long> status(long pid) throws IOException {
    var values = new HashMap<String, Long>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.endsWith("kB")) {
        values.put(line.substring(0, colon), Long.parseLong(line.replaceAll("[^0-9]", "")));
      }
    }
    return values;
  }

  private static String summary(List<Long> values) {
    var sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    long sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return "min " + sorted.get(0) + ", median " + sorted.get(sorted.size() / 2) + ", max " + sorted.get(sorted.size() - 1)
        + ", mean " + (sum / sorted.size()) + " over " + sorted.size();
  }
}

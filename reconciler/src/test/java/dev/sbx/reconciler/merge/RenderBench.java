package dev.sbx.reconciler.merge;

import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.KitSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Benchmark harness (not a test: surefire only runs it when named with {@code -Dtest=RenderBench}).
 * Writes a GitOps directory of 1,000 Sandbox manifests, each stacking 5 real corpus mixins on
 * the built-in claude agent under one NetworkPolicy, then renders all of them in one process:
 * scan, load manifests, load kits (each distinct kit once per pass), merge, apply the policy,
 * render YAML with --explain. Reports the median of the measured passes after warm-up, and the
 * heap in use after a pass. Results go to stdout and {@code target/bench/render.txt}.
 * {@code -Dbench.dir=DIR} writes the directory there (to time {@code ./sbx render -f DIR} too).
 */
class RenderBench {
  static final int SANDBOXES = 1000;
  static final int KITS_PER_SANDBOX = 5;
  static final List<String> MIXINS = List.of("bun", "biome", "eslint", "task", "vale", "zsh",
      "neovim", "playwright", "lighthouse", "mise", "smolagents", "stylelint", "go", "brew", "axe",
      "t3code");

  @Test
  void renderThousandSandboxes() throws IOException {
    String keep = System.getProperty("bench.dir");
    Path repo = keep == null ? Files.createTempDirectory("sbx-bench") : Path.of(keep);
    for (String kit : MIXINS) {
      Path dir = repo.resolve("kits").resolve(kit);
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve("spec.yaml"));
      Files.copy(TestKits.corpus().resolve(kit).resolve("spec.yaml"), dir.resolve("spec.yaml"));
    }
    Files.writeString(repo.resolve("policy.yaml"), """
        apiVersion: sbx/v1
        kind: NetworkPolicy
        metadata: {name: team}
        spec:
          default: deny-all
          allow: ["api.github.com:443", "**.githubusercontent.com"]
          deny: ["*.pastebin.com"]
        """);
    Path sandboxes = repo.resolve("sandboxes");
    Files.createDirectories(sandboxes);
    for (int i = 0; i < SANDBOXES; i++) {
      StringBuilder kits = new StringBuilder();
      for (int k = 0; k < KITS_PER_SANDBOX; k++) {
        kits.append(k == 0 ? "" : ", ").append("../kits/")
            .append(MIXINS.get((i + k * 3) % MIXINS.size()));
      }
      Files.writeString(sandboxes.resolve(String.format("sb-%04d.yaml", i)), """
          apiVersion: sbx/v1
          kind: Sandbox
          metadata: {name: sb-%04d}
          spec:
            agent: claude
            kits: [%s]
            workspace: /srv/work/sb-%04d
            policy: team
          """.formatted(i, kits, i));
    }
    int warmup = Integer.getInteger("bench.warmup", 3);
    int runs = Integer.getInteger("bench.runs", 5);
    long[] millis = new long[runs];
    long bytes = 0;
    for (int r = -warmup; r < runs; r++) {
      long start = System.nanoTime();
      bytes = renderAll(repo);
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      if (r >= 0) {
        millis[r] = elapsed;
      }
    }
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
    Arrays.sort(millis);
    String report = String.format("render -f: %d sandboxes x %d kits, %d runs after %d warm-up:"
            + " median %d ms (min %d, max %d) = %.2f ms/sandbox; output %d bytes; heap after GC %d MiB;"
            + " %d cores%n", SANDBOXES, KITS_PER_SANDBOX, runs, warmup, millis[runs / 2], millis[0],
        millis[runs - 1], millis[runs / 2] / (double) SANDBOXES, bytes, heapMb,
        rt.availableProcessors());
    System.out.print(report);
    Path out = Path.of("target", "bench", "render.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
  }

  /** What {@code sbx render -f DIR --explain} does, minus printing. */
  static long renderAll(Path repo) {
    KitLoader kits = KitLoader.defaults();
    List<ResolvedSandbox> resolved = SandboxStacks.resolveDirectory(repo, kits,
        new KitSources(repo.resolve(".cache")), KitAllows.ALLOW);
    long bytes = 0;
    for (ResolvedSandbox r : resolved) {
      bytes += Renderer.sandbox(r, Renderer.Format.YAML, true).length();
    }
    return bytes;
  }
}

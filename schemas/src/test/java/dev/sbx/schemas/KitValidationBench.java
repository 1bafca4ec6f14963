package dev.sbx.schemas;

import dev.sbx.schemas.model.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Benchmark harness (not a test): validates N kit files in one process and, in the same run, does
 * a parse-only pass (strict YAML to a positioned tree) over the same files; prints both figures
 * and their ratio as a Markdown table row. Run with the command in docs/benchmarks.md.
 *
 * <p>Input: the spec.yaml files of ../shared/corpus/sbx-kits-contrib (cycled up to N copies, each
 * in its own kit directory), or the example kits when the corpus is absent.
 */
public final class KitValidationBench {
  private KitValidationBench() {}

  public static void main(String[] args) throws IOException {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<Path> sources = sources();
    Path dir = Files.createTempDirectory("sbx-bench");
    try {
      List<Path> kits = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Path kit = Files.createDirectories(dir.resolve("kit-" + i));
        Files.copy(sources.get(i % sources.size()), kit.resolve("spec.yaml"));
        kits.add(kit);
      }
      KitLoader loader = KitLoader.defaults();
      YamlReader reader = new YamlReader(YamlReader.DEFAULT_MAX_BYTES);
      long[] validate = new long[rounds];
      long[] parse = new long[rounds];
      for (int warm = 0; warm < 3; warm++) {
        validateAll(loader, kits);
        parseAll(reader, kits);
      }
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        int valid = validateAll(loader, kits);
        long t1 = System.nanoTime();
        parseAll(reader, kits);
        long t2 = System.nanoTime();
        validate[r] = t1 - t0;
        parse[r] = t2 - t1;
        if (valid != count) {
          throw new IllegalStateException("only " + valid + " of " + count + " kits validated");
        }
      }
      double v = median(validate) / 1e6;
      double p = median(parse) / 1e6;
      System.out.printf(Locale.ROOT, "files=%d (from %d distinct specs), rounds=%d, JDK %s, %d cores%n",
          count, sources.size(), rounds, System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "| validate (full load) | %.1f ms | %.1f µs/file |%n", v,
          v * 1000 / count);
      System.out.printf(Locale.ROOT, "| parse only (strict YAML + positions) | %.1f ms | %.1f µs/file |%n",
          p, p * 1000 / count);
      System.out.printf(Locale.ROOT, "| ratio validate / parse | %.2f | |%n", v / p);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  private static int validateAll(KitLoader loader, List<Path> kits) {
    int ok = 0;
    for (Path kit : kits) {
      if (loader.load(kit).kit() != null) {
        ok++;
      }
    }
    return ok;
  }

  private static void parseAll(YamlReader reader, List<Path> kits) {
    for (Path kit : kits) {
      reader.read(SourceFile.of(kit.resolve("spec.yaml")));
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static List<Path> sources() throws IOException {
    var corpus = Corpus.locate();
    Path root = corpus.isPresent() ? corpus.get().resolve("sbx-kits-contrib")
        : Path.of("").toAbsolutePath().getParent().resolve("examples/kits");
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> specs = s.filter(p -> p.getFileName().toString().equals("spec.yaml")).sorted()
          .toList();
      if (specs.isEmpty()) {
        throw new IllegalStateException("no spec.yaml under " + root);
      }
      return specs;
    }
  }
}

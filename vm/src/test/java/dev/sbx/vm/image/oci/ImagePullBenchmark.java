package dev.sbx.vm.image.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import dev.sbx.vm.image.Files2;

/**
 * Pull throughput against a local {@code docker-registry} on 127.0.0.1: an image of random
 * (incompressible) data in several layers, pulled into a cold cache with 1 and with N parallel
 * downloads (download + sha256 verification), then unpacked, then fetched again from the warm cache
 * (manifest request only). Run by
 * {@code bench/image-pull.sh}; prints a Markdown table.
 *
 * <p>Arguments: {@code [totalMiB=200] [layers=8] [rounds=3] [parallel=4]}.
 */
public final class ImagePullBenchmark {
  private ImagePullBenchmark() {}

  public static void main(String[] args) throws Exception {
    int totalMiB = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int layerCount = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int parallel = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    Path work = Files.createTempDirectory("sbx-pull-bench");
    try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"))) {
      OciLayoutWriter layout = new OciLayoutWriter(work.resolve("layout"));
      List<byte[]> layers = new ArrayList<>();
      Random random = new Random(42);
      int perLayer = totalMiB * 1024 * 1024 / layerCount;
      for (int i = 0; i < layerCount; i++) {
        byte[] data = new byte[perLayer];
        random.nextBytes(data);
        layers.add(gzipFast(new TarBuilder().file("data/blob-" + i + ".bin", 0644, data).tar()));
      }
      layout.tag("big", layout.image(Platform.LINUX_AMD64, Map.of("Cmd", List.of("/bin/sh")), layers));
      long t0 = System.nanoTime();
      registry.push(layout.dir(), "big", "bench/big", null);
      double pushS = (System.nanoTime() - t0) / 1e9;
      long compressed = layers.stream().mapToLong(l -> l.length).sum();
      double mib = compressed / 1048576.0;
      ImageReference ref = ImageReference.parse(registry.host() + "/bench/big:big");
      System.out.printf("image: %d layers, %.1f MiB compressed (random data); skopeo push %.1f s%n%n", layerCount, mib, pushS);
      System.out.println("| round | parallel downloads | cold fetch (s) | MiB/s | unpack (s) | warm fetch, cached (ms) |");
      System.out.println("|---|---|---|---|---|---|");
      for (int round = 1; round <= rounds; round++) {
        for (int p : new int[] {1, parallel}) {
          Path cache = work.resolve("cache-" + round + "-" + p);
          OciRegistryClient.Options options = OciRegistryClient.Options.defaults().withParallelDownloads(p);
          try (ImagePuller puller = new ImagePuller(options, Platform.LINUX_AMD64)) {
            long a = System.nanoTime();
            PulledImage img = puller.fetch(ref, new BlobCache(cache), PullProgress.none());
            long b = System.nanoTime();
            puller.unpack(img, new BlobCache(cache), work.resolve("rootfs-" + round + "-" + p));
            long c = System.nanoTime();
            puller.fetch(ref, new BlobCache(cache), PullProgress.none());
            long d = System.nanoTime();
            double fetch = (b - a) / 1e9;
            System.out.printf("| %d | %d | %.2f | %.0f | %.2f | %.0f |%n", round, p, fetch, mib / fetch, (c - b) / 1e9,
                (d - c) / 1e6);
          }
          Files2.deleteTree(cache);
          Files2.deleteTree(work.resolve("rootfs-" + round + "-" + p));
        }
      }
    } finally {
      Files2.deleteTree(work);
    }
  }

  private static byte[] gzipFast(byte[] tar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(tar.length + (1 << 20));
    try (GZIPOutputStream z = new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      z.write(tar);
    }
    return out.toByteArray();
  }
}

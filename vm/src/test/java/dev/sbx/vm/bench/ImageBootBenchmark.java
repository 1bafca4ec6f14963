package dev.sbx.vm.bench;

import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.image.Files2;
import dev.sbx.vm.image.store.ImageRecord;
import dev.sbx.vm.image.store.ImageStore;
import dev.sbx.vm.microvm.MicrovmRuntime;
import dev.sbx.vm.testing.DebianFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Image boot benchmark (run by {@code bench/image-boot.sh}): in the same run, alternately,
 * create-to-ready of a sandbox from the debootstrap-built Debian image (bookworm minbase +
 * python3) and of a busybox-root sandbox; for the image also the time of create alone (the
 * qcow2 overlay) and the sandbox directory's allocated size at create and once ready.
 */
public final class ImageBootBenchmark {
  private static final long MIB = 1024 * 1024;

  private ImageBootBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "sbx-img-bench-");
    SbxDirs dirs = SbxDirs.fromEnvironment().withState(dir.resolve("state")).withData(dir.resolve("data"));
    var runtime = new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment().withDirs(dirs));
    try {
      System.out.println("accel: " + runtime.accel().accel() + " (" + runtime.accel().reason() + ")");
      long t0 = System.nanoTime();
      ImageRecord image = DebianFixture.build(runtime.imageStore());
      System.out.printf("image %s: %d MiB of content, base disk %d MiB allocated (%d MiB virtual); import %d ms%n",
          DebianFixture.TAG, image.contentBytes() / MIB, ImageStore.allocated(runtime.imageStore().disk(image)) / MIB,
          image.diskBytes() / MIB, (System.nanoTime() - t0) / 1_000_000);
      var busybox = new ArrayList<Long>();
      var large = new ArrayList<Long>();
      var create = new ArrayList<Long>();
      var atCreate = new ArrayList<Long>();
      var atReady = new ArrayList<Long>();
      for (int i = 0; i < rounds; i++) {
        String bb = "bb" + i;
        long b0 = System.nanoTime();
        runtime.create(SandboxSpec.minimal(bb));
        runtime.start(bb);
        busybox.add((System.nanoTime() - b0) / 1_000_000);
        runtime.destroy(bb);

        String img = "img" + i;
        long i0 = System.nanoTime();
        runtime.create(SandboxSpec.minimal(img).withImage(DebianFixture.TAG));
        create.add((System.nanoTime() - i0) / 1_000_000);
        atCreate.add(ImageStore.allocated(runtime.sandboxDir(img)) / 1024);
        runtime.start(img);
        large.add((System.nanoTime() - i0) / 1_000_000);
        String py = runtime.run(img, ExecRequest.asAgent("python3", "-c", "print(6*7)"), Duration.ofSeconds(60))
            .stdoutText().strip();
        atReady.add(ImageStore.allocated(runtime.sandboxDir(img)) / 1024);
        runtime.destroy(img);
        System.out.printf("round %d: busybox create-to-ready %d ms; image create %d ms, create-to-ready %d ms "
            + "(python3 says %s); sandbox dir %d KiB at create, %d KiB when ready%n", i + 1, busybox.get(i),
            create.get(i), large.get(i), py, atCreate.get(i), atReady.get(i));
      }
      System.out.println("busybox root, create-to-ready (ms):       " + summary(busybox));
      System.out.println("Debian image root, create-to-ready (ms):  " + summary(large));
      System.out.println("Debian image, create only (overlay) (ms): " + summary(create));
      System.out.println("sandbox dir allocated at create (KiB):    " + summary(atCreate));
      System.out.println("sandbox dir allocated when ready (KiB):   " + summary(atReady));
    } finally {
      for (SandboxInfo info : runtime.list()) {
        runtime.destroy(info.name());
      }
      runtime.close();
      Files2.deleteTree(dir);
    }
  }

  private static String summary(List<Long> values) {
    var sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    long sum = sorted.stream().mapToLong(Long::longValue).sum();
    return "min " + sorted.get(0) + ", median " + sorted.get(sorted.size() / 2) + ", max "
        + sorted.get(sorted.size() - 1) + ", mean " + (sum / sorted.size()) + " over " + sorted.size();
  }
}

package dev.sbx.vm.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleOrderTest {

  /** A fake .ko: only the modinfo strings matter to the ordering. */
  private static void ko(Path dir, String rel, String depends) throws IOException {
    Path file = dir.resolve(rel);
    Files.createDirectories(file.getParent());
    String name = file.getFileName().toString().replace(".ko", "");
    Files.write(file, ("\u007fELF junk\0license=GPL\0depends=" + depends + "\0name=" + name + "\0")
        .getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void dependenciesComeFirstFromModinfo(@TempDir Path dir) throws IOException {
    ko(dir, "kernel/drivers/virtio/virtio_ring.ko", "");
    ko(dir, "kernel/drivers/virtio/virtio.ko", "virtio_ring");
    ko(dir, "kernel/drivers/virtio/virtio_mmio.ko", "virtio,virtio_ring");
    ko(dir, "kernel/drivers/char/virtio_console.ko", "virtio,virtio_ring");
    ko(dir, "kernel/fs/fuse/fuse.ko", "");
    ko(dir, "kernel/fs/fuse/virtiofs.ko", "fuse,virtio,virtio_ring");
    List<Path> order = new ModuleOrder(dir).order(List.of("virtio_mmio", "virtio_console", "virtiofs"));
    assertEquals(List.of("virtio_ring", "virtio", "virtio_mmio", "virtio_console", "fuse", "virtiofs"),
        order.stream().map(p -> p.getFileName().toString().replace(".ko", "")).toList());
  }

  @Test
  void modulesDepWinsWhenPresent(@TempDir Path dir) throws IOException {
    ko(dir, "kernel/a.ko", "");
    ko(dir, "kernel/b.ko", "");
    Files.writeString(dir.resolve("modules.dep"), "kernel/a.ko: kernel/b.ko\nkernel/b.ko:\n");
    assertEquals(List.of(Path.of("kernel/b.ko"), Path.of("kernel/a.ko")), new ModuleOrder(dir).order(List.of("a")));
  }

  @Test
  void dashesAndUnderscoresAreTheSameModule(@TempDir Path dir) throws IOException {
    ko(dir, "kernel/virtio-rng.ko", "");
    assertEquals(1, new ModuleOrder(dir).order(List.of("virtio_rng")).size());
  }

  @Test
  void missingModuleAndCyclesAreBugs(@TempDir Path dir) throws IOException {
    ko(dir, "kernel/x.ko", "y");
    ko(dir, "kernel/y.ko", "x");
    assertThrows(IllegalStateException.class, () -> new ModuleOrder(dir).order(List.of("x")));
    assertThrows(IllegalStateException.class, () -> new ModuleOrder(dir).order(List.of("nope")));
  }
}

package dev.sbx.vm.testing;

import dev.sbx.vm.image.Files2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A per-test state directory under {@code target/vm-it/} (short paths: unix sockets live there).
 * Deleted when the test passed, kept for diagnosis when it failed.
 */
public final class VmTestDir {
  private VmTestDir() {}

  public static Path create(String name) throws IOException {
    Path base = Path.of("target", "vm-it").toAbsolutePath();
    Files.createDirectories(base);
    Path dir = base.resolve(name + "-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36));
    Files.createDirectories(dir);
    return dir;
  }

  public static void deleteIfPassed(Path dir, boolean passed) throws IOException {
    if (passed) {
      Files2.deleteTree(dir);
    }
  }
}

package dev.sbx.vm.microvm;

import dev.sbx.vm.host.HostCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The sandbox's own writable disk: a sparse raw file formatted ext4 on the host (no root, no
 * loop device), attached as virtio-blk and mounted in the guest at {@code /var/lib/sbx}. It
 * lives in the sandbox directory, so it survives stop/start and goes with {@code destroy}.
 */
final class GuestDisk {
  private GuestDisk() {}

  static void create(Path image, long sizeMib) throws IOException {
    try (var file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(sizeMib * 1024 * 1024);
    }
    List<String> argv = List.of("mkfs.ext4", "-q", "-F", "-L", "sbx-disk", "-E", "root_owner=0:0",
        "-O", "^has_journal", image.toString());
    HostCommand.run(argv, null, Duration.ofSeconds(60)).orThrow(argv);
  }
}

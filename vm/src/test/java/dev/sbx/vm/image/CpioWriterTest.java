package dev.sbx.vm.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioWriterTest {

  private static byte[] archive() throws Exception {
    var out = new ByteArrayOutputStream();
    try (var cpio = new CpioWriter(out)) {
      cpio.directory("/bin", 0755);
      cpio.file("/bin/hello", 0755, "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
      cpio.symlink("/bin/sh", "busybox");
      cpio.charDevice("/dev/console", 0600, 5, 1);
      cpio.file("/odd", 0644, new byte[] {1, 2, 3});
    }
    return out.toByteArray();
  }

  @Test
  void entriesAreFourByteAlignedNewcWithATrailer() throws Exception {
    byte[] bytes = archive();
    assertEquals(0, bytes.length % 4);
    assertEquals("070701", new String(bytes, 0, 6, StandardCharsets.US_ASCII));
    assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains("TRAILER!!!"));
  }

  @Test
  void sameInputSameBytes() throws Exception {
    assertArrayEquals(archive(), archive());
  }

  @Test
  void gnuCpioReadsWhatWeWrite(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/cpio")) || Files.isExecutable(Path.of("/bin/cpio")),
        "cpio is not installed");
    Path file = tmp.resolve("a.cpio");
    Files.write(file, archive());
    Process p = new ProcessBuilder("cpio", "-idmu", "--quiet", "-F", file.toString()).directory(tmp.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertEquals("#!/bin/sh\necho hi\n", Files.readString(tmp.resolve("bin/hello")));
    assertTrue(Files.isExecutable(tmp.resolve("bin/hello")));
    assertEquals(Path.of("busybox"), Files.readSymbolicLink(tmp.resolve("bin/sh")));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(tmp.resolve("odd")));
  }
}

package dev.sbx.vm.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsDigestTest {
  @TempDir Path tmp;

  private Path tree(String name) throws IOException {
    Path root = Files.createDirectories(tmp.resolve(name));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.writeString(root.resolve("usr/bin/tool"), "tool");
    Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
    return root;
  }

  @Test
  void sameTreeSameDigestWhateverTheTimes() throws IOException {
    Path a = tree("a");
    Path b = tree("b");
    Files.setLastModifiedTime(b.resolve("usr/bin/tool"), FileTime.fromMillis(0));
    assertEquals(RootfsDigest.of(a), RootfsDigest.of(b));
  }

  @Test
  void contentModeAndLinksChangeTheDigest() throws IOException {
    String base = RootfsDigest.of(tree("a"));
    Path content = tree("b");
    Files.writeString(content.resolve("usr/bin/tool"), "tool2");
    assertNotEquals(base, RootfsDigest.of(content));
    Path mode = tree("c");
    Files.setPosixFilePermissions(mode.resolve("usr/bin/tool"), PosixFilePermissions.fromString("rwxrwxrwx"));
    assertNotEquals(base, RootfsDigest.of(mode));
    Path link = tree("d");
    Files.delete(link.resolve("bin"));
    Files.createSymbolicLink(link.resolve("bin"), Path.of("/usr/bin"));
    assertNotEquals(base, RootfsDigest.of(link));
    assertNotEquals(RootfsDigest.withConfig(base, "{}"), RootfsDigest.withConfig(base, "{\"user\":\"x\"}"));
  }
}

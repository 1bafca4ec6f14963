package dev.sbx.vm.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpacker against archives GNU tar writes (gnu and pax formats, long names, hard links,
 * symlinks, gzip), and its ownership manifest against real ext4 images: {@code mkfs.ext4 -d}
 * keeps the owners and modes of the tree, and the debugfs script applies them when the tree could
 * not be chowned.
 */
@Timeout(120)
class RealToolsLayerIT {
  @TempDir Path tmp;

  private static String run(String... cmd) {
    return LocalRegistry.run(List.of(cmd), Duration.ofSeconds(60));
  }

  @Test
  void readsWhatGnuTarWritesInBothFormats() throws Exception {
    Path src = tmp.resolve("src");
    String longDir = "d/" + "n".repeat(90) + "/" + "m".repeat(90);
    Files.createDirectories(src.resolve(longDir));
    Files.writeString(src.resolve(longDir + "/" + "f".repeat(120)), "long");
    Files.writeString(src.resolve("plain"), "p");
    Files.createLink(src.resolve("hard"), src.resolve("plain"));
    Files.createSymbolicLink(src.resolve("sym"), Path.of(longDir));
    Files.setAttribute(src.resolve("plain"), "unix:mode", 0640);
    for (String format : List.of("gnu", "pax")) {
      Path archive = tmp.resolve(format + ".tar.gz");
      run("tar", "--format=" + format, "-czf", archive.toString(), "-C", src.toString(), ".");
      LayerUnpacker u = new LayerUnpacker(tmp.resolve("out-" + format), new LayerUnpacker.Options(false, false));
      u.apply(archive, "sha256:" + "0".repeat(64));
      Path r = u.root();
      assertEquals("long", Files.readString(r.resolve(longDir + "/" + "f".repeat(120))), format);
      assertEquals(Files.getAttribute(r.resolve("plain"), "unix:ino"), Files.getAttribute(r.resolve("hard"), "unix:ino"), format);
      assertEquals(Path.of(longDir), Files.readSymbolicLink(r.resolve("sym")), format);
      assertEquals(0640, ((Integer) Files.getAttribute(r.resolve("plain"), "unix:mode")) & 07777, format);
      assertEquals("long", Files.readString(r.resolve("sym/" + "f".repeat(120))), format);
    }
  }

  @Test
  void mkfsKeepsOwnersAsRootAndTheDebugfsScriptAppliesThemWithout() throws Exception {
    byte[] layer = new TarBuilder().owner(1234, 4321)
        .file("usr/bin/su", 04755, "x".getBytes(StandardCharsets.UTF_8))
        .symlink("usr/bin/link", "su")
        .charDevice("dev/null", 1, 3)
        .tarGz();
    // As root: owners on disk; mkfs.ext4 -d copies them as they are.
    if (LayerUnpacker.isRoot()) {
      LayerUnpacker asRoot = new LayerUnpacker(tmp.resolve("root-tree"), new LayerUnpacker.Options(true, true));
      asRoot.apply(new java.io.ByteArrayInputStream(layer), "sha256:" + "1".repeat(64));
      Path img = tmp.resolve("root.ext4");
      run("mkfs.ext4", "-q", "-F", "-d", asRoot.root().toString(), img.toString(), "16M");
      assertStat(img, "/usr/bin/su", "User:  1234   Group:  4321", "Mode:  04755");
      assertStat(img, "/usr/bin/link", "User:  1234   Group:  4321", "Type: symlink");
      assertStat(img, "/dev/null", "Type: character special", "Device major/minor number: 01:03");
    }
    // Without chown: the tree is ours; the manifest's debugfs script fixes the image afterwards.
    LayerUnpacker plain = new LayerUnpacker(tmp.resolve("user-tree"), new LayerUnpacker.Options(false, false));
    plain.apply(new java.io.ByteArrayInputStream(layer), "sha256:" + "2".repeat(64));
    Path img = tmp.resolve("user.ext4");
    run("mkfs.ext4", "-q", "-F", "-d", plain.root().toString(), img.toString(), "16M");
    Path script = tmp.resolve("fix.debugfs");
    Files.writeString(script, plain.ownership().debugfsScript());
    run("debugfs", "-w", "-f", script.toString(), img.toString());
    assertStat(img, "/usr/bin/su", "User:  1234   Group:  4321", "Mode:  04755");
    assertStat(img, "/usr/bin/link", "User:  1234   Group:  4321");
    assertStat(img, "/dev/null", "Type: character special", "User:  1234");
  }

  private static void assertStat(Path img, String path, String... expected) {
    List<String> cmd = new ArrayList<>(List.of("debugfs", "-R", "stat " + path, img.toString()));
    String out = LocalRegistry.run(cmd, Duration.ofSeconds(30)).replaceAll("\\s+", " ");
    for (String e : expected) {
      assertTrue(out.contains(e.replaceAll("\\s+", " ")), path + ": expected '" + e + "' in " + out);
    }
  }
}

package dev.sbx.vm.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Timeout(60)
class LayerUnpackerTest {
  static final String L1 = "sha256:" + "1".repeat(64);
  static final String L2 = "sha256:" + "2".repeat(64);

  @TempDir Path tmp;

  private LayerUnpacker unpacker(boolean root) throws IOException {
    Path rootfs = tmp.resolve("rootfs");
    Files.createDirectories(tmp.resolve("outside"));
    return new LayerUnpacker(rootfs, new LayerUnpacker.Options(root && LayerUnpacker.isRoot(), false));
  }

  private static void apply(LayerUnpacker u, String digest, byte[] layer) {
    u.apply(new ByteArrayInputStream(layer), digest);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  @Test
  void unpacksFilesDirectoriesLinksAndModes() throws Exception {
    LayerUnpacker u = unpacker(true);
    byte[] layer = new TarBuilder().owner(1234, 4321)
        .dir("etc/")
        .file("etc/hostname", "sbx\n")
        .file("usr/bin/tool", 04755, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8))
        .dir("tmp", 01777)
        .symlink("bin", "usr/bin")
        .hardlink("usr/bin/tool2", "usr/bin/tool")
        .tarGz();
    LayerUnpacker.Stats stats = u.apply(new ByteArrayInputStream(layer), L1);
    Path r = u.root();
    assertEquals("sbx\n", read(r.resolve("etc/hostname")));
    assertEquals(04755, ((Integer) Files.getAttribute(r.resolve("usr/bin/tool"), "unix:mode")) & 07777);
    assertEquals(01777, ((Integer) Files.getAttribute(r.resolve("tmp"), "unix:mode")) & 07777);
    assertEquals(Path.of("usr/bin"), Files.readSymbolicLink(r.resolve("bin")));
    assertEquals(Files.getAttribute(r.resolve("usr/bin/tool"), "unix:ino"), Files.getAttribute(r.resolve("usr/bin/tool2"), "unix:ino"));
    assertEquals(6, stats.entries());
    assertEquals(2, stats.files());
    OwnershipManifest.Entry tool = u.ownership().get("usr/bin/tool").orElseThrow();
    assertEquals(new OwnershipManifest.Entry('f', 04755, 1234, 4321, 0, 0), tool);
    assertEquals(tool, u.ownership().get("usr/bin/tool2").orElseThrow());
    assertEquals('l', u.ownership().get("bin").orElseThrow().type());
    // usr/ was never named in the layer: created 0755 root:root, as Docker does
    assertEquals(new OwnershipManifest.Entry('d', 0755, 0, 0, 0, 0), u.ownership().get("usr").orElseThrow());
    if (LayerUnpacker.isRoot()) {
      assertEquals(1234, Files.getAttribute(r.resolve("usr/bin/tool"), "unix:uid"));
      assertEquals(4321, Files.getAttribute(r.resolve("usr/bin/tool"), "unix:gid"));
      assertEquals(1234, Files.getAttribute(r.resolve("bin"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void uncompressedLayersAndPaxAndGnuLongNamesAreRead() throws Exception {
    LayerUnpacker u = unpacker(false);
    String longPax = "a/" + "p".repeat(120) + "/file";
    String longGnu = "b/" + "g".repeat(130);
    apply(u, L1, new TarBuilder().file(longPax, "pax").gnuLongFile(longGnu, "gnu")
        .symlink("c/link", "../" + "t".repeat(150)).tar());
    assertEquals("pax", read(u.root().resolve(longPax)));
    assertEquals("gnu", read(u.root().resolve(longGnu)));
    assertEquals("../" + "t".repeat(150), Files.readSymbolicLink(u.root().resolve("c/link")).toString());
  }

  @Test
  void whiteoutsRemoveLowerFilesAndDirectories() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().file("etc/a", "a").file("etc/b", "b").file("var/cache/x/1", "1").tar());
    apply(u, L2, new TarBuilder().file("etc/.wh.a", "").file("var/cache/.wh.x", "").file("etc/c", "c").tar());
    Path r = u.root();
    assertFalse(Files.exists(r.resolve("etc/a")));
    assertTrue(Files.exists(r.resolve("etc/b")));
    assertTrue(Files.exists(r.resolve("etc/c")));
    assertFalse(Files.exists(r.resolve("var/cache/x")));
    assertFalse(Files.exists(r.resolve("etc/.wh.a")), "whiteout markers are not materialised");
    assertTrue(u.ownership().get("var/cache/x/1").isEmpty(), "the manifest forgets removed paths");
    assertTrue(u.ownership().get("etc/a").isEmpty());
  }

  @Test
  void whiteoutOnlyHidesLowerLayersNotTheSameLayer() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().file("etc/a", "old").tar());
    apply(u, L2, new TarBuilder().file("etc/a", "new").file("etc/.wh.a", "").tar());
    assertEquals("new", read(u.root().resolve("etc/a")));
  }

  @Test
  void opaqueDirectoryHidesLowerContentWhereverTheMarkerComes() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().file("opt/app/old1", "1").file("opt/app/sub/old2", "2")
        .file("srv/x/old", "o").file("srv/keep", "k").tar());
    // marker first in opt/app, last in srv/x; new files in both must survive
    apply(u, L2, new TarBuilder().file("opt/app/.wh..wh..opq", "").file("opt/app/new", "n")
        .file("srv/x/new", "n").file("srv/x/sub/new2", "n2").file("srv/x/.wh..wh..opq", "").tar());
    Path r = u.root();
    assertEquals(java.util.List.of("new"), list(r.resolve("opt/app")));
    assertEquals(java.util.List.of("new", "sub"), list(r.resolve("srv/x")));
    assertTrue(Files.exists(r.resolve("srv/x/sub/new2")));
    assertTrue(Files.exists(r.resolve("srv/keep")), "opaque applies to its own directory only");
  }

  @Test
  void opaqueKeepsThisLayersFilesInsideLowerSubdirectories() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().file("d/sub/old", "o").tar());
    apply(u, L2, new TarBuilder().file("d/sub/new", "n").file("d/.wh..wh..opq", "").tar());
    assertEquals(java.util.List.of("new"), list(u.root().resolve("d/sub")));
  }

  @Test
  void laterLayersReplaceFilesWithDirectoriesAndBack() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().file("x", "file").dir("y").file("y/inner", "i").tar());
    apply(u, L2, new TarBuilder().dir("x").file("x/f", "now a dir").file("y", "now a file").tar());
    assertEquals("now a dir", read(u.root().resolve("x/f")));
    assertEquals("now a file", read(u.root().resolve("y")));
  }

  @Test
  void symlinksOnThePathAreFollowedInsideTheRootLikeAChroot() throws Exception {
    LayerUnpacker u = unpacker(false);
    // usrmerge: bin -> usr/bin; an absolute link starts again at the root, never at the host's /
    apply(u, L1, new TarBuilder().dir("usr/bin").symlink("bin", "usr/bin").symlink("abs", "/usr").tar());
    apply(u, L2, new TarBuilder().file("bin/tool", "t").file("abs/lib/x", "x").tar());
    assertEquals("t", read(u.root().resolve("usr/bin/tool")));
    assertEquals("x", read(u.root().resolve("usr/lib/x")));
    assertTrue(Files.isSymbolicLink(u.root().resolve("bin")), "the link itself stays a link");
  }

  @Test
  void refusesDotDotEscape() throws Exception {
    LayerUnpacker u = unpacker(false);
    OciException e = assertThrows(OciException.class, () -> apply(u, L1, new TarBuilder().file("../outside/pwned", "x").tar()));
    assertEquals(OciException.Kind.UNSAFE_LAYER, e.kind());
    assertTrue(e.getMessage().contains(L1) && e.getMessage().contains("'../outside/pwned'"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("outside/pwned")));
    OciException nested = assertThrows(OciException.class, () -> apply(u, L1, new TarBuilder().file("a/../../outside/p", "x").tar()));
    assertTrue(nested.getMessage().contains("escapes the root"), nested.getMessage());
  }

  @Test
  void dotDotThatStaysInsideIsFolded() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().file("a/../b", "inside").tar());
    assertEquals("inside", read(u.root().resolve("b")));
  }

  @Test
  void refusesAbsoluteNames() throws Exception {
    LayerUnpacker u = unpacker(false);
    OciException e = assertThrows(OciException.class, () -> apply(u, L1, new TarBuilder().file("/etc/passwd", "x").tar()));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void refusesEscapeThroughASymlink() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().symlink("evil", "../outside").tar());
    OciException e = assertThrows(OciException.class, () -> apply(u, L2, new TarBuilder().file("evil/pwned", "x").tar()));
    assertTrue(e.getMessage().contains("through a symlink") && e.getMessage().contains(L2), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("outside/pwned")));
    // also within one layer, and through a chain of links
    LayerUnpacker u2 = new LayerUnpacker(tmp.resolve("r2"), new LayerUnpacker.Options(false, false));
    assertThrows(OciException.class, () -> apply(u2, L1,
        new TarBuilder().dir("d").symlink("d/up", "..").symlink("d/up2", "up/..").file("d/up2/outside/p", "x").tar()));
    assertFalse(Files.exists(tmp.resolve("outside/p")));
  }

  @Test
  void refusesHardLinksOutOfTheRootOrToNothing() throws Exception {
    LayerUnpacker u = unpacker(false);
    Files.writeString(tmp.resolve("outside/secret"), "s");
    OciException out = assertThrows(OciException.class, () -> apply(u, L1, new TarBuilder().hardlink("h", "../outside/secret").tar()));
    assertTrue(out.getMessage().contains("escapes the root"), out.getMessage());
    apply(u, L1, new TarBuilder().symlink("s", "../outside").tar());
    assertThrows(OciException.class, () -> apply(u, L2, new TarBuilder().hardlink("h", "s/secret").tar()));
    OciException missing = assertThrows(OciException.class, () -> apply(u, L2, new TarBuilder().hardlink("h", "nope").tar()));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    assertFalse(Files.exists(u.root().resolve("h")));
  }

  @Test
  void writingOverASymlinkReplacesTheLinkNotItsTarget() throws Exception {
    LayerUnpacker u = unpacker(false);
    Files.writeString(tmp.resolve("outside/target"), "untouched");
    apply(u, L1, new TarBuilder().symlink("f", "/../outside/target").tar());
    apply(u, L2, new TarBuilder().file("f", "replaced").tar());
    assertEquals("untouched", read(tmp.resolve("outside/target")));
    assertFalse(Files.isSymbolicLink(u.root().resolve("f")));
    assertEquals("replaced", read(u.root().resolve("f")));
  }

  @Test
  void symlinkLoopsAreRefused() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().symlink("a", "b").symlink("b", "a").tar());
    OciException e = assertThrows(OciException.class, () -> apply(u, L2, new TarBuilder().file("a/x", "x").tar()));
    assertTrue(e.getMessage().contains("symlinks"), e.getMessage());
  }

  @Test
  void devicesAreSkippedWithoutPermissionButRecorded() throws Exception {
    LayerUnpacker u = unpacker(false);
    LayerUnpacker.Stats s = u.apply(new ByteArrayInputStream(new TarBuilder().charDevice("dev/null", 1, 3).fifo("run/p").tar()), L1);
    assertEquals(2, s.skippedDevices());
    assertFalse(Files.exists(u.root().resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(new OwnershipManifest.Entry('c', 0666, 0, 0, 1, 3), u.ownership().get("dev/null").orElseThrow());
    assertTrue(u.ownership().debugfsScript().contains("cd \"/dev\"\nmknod \"null\" c 1 3\n"), u.ownership().debugfsScript());
  }

  @Test
  void devicesAreCreatedAsRoot() throws Exception {
    if (!LayerUnpacker.isRoot()) {
      return; // covered by devicesAreSkippedWithoutPermissionButRecorded; CI runs as root
    }
    LayerUnpacker u = new LayerUnpacker(tmp.resolve("rootfs"), new LayerUnpacker.Options(true, true));
    u.apply(new ByteArrayInputStream(new TarBuilder().charDevice("dev/null", 1, 3).fifo("run/p").tar()), L1);
    assertEquals(0x0103L, ((Number) Files.getAttribute(u.root().resolve("dev/null"), "unix:rdev")).longValue());
    assertTrue(Files.readAttributes(u.root().resolve("run/p"), java.nio.file.attribute.BasicFileAttributes.class).isOther());
  }

  @Test
  void refusesExoticTypesCorruptHeadersTruncationAndZstd() throws Exception {
    LayerUnpacker u = unpacker(false);
    OciException sparse = assertThrows(OciException.class, () -> apply(u, L1, new TarBuilder().raw("s", 'S', new byte[0]).tar()));
    assertTrue(sparse.getMessage().contains("'S'"), sparse.getMessage());
    byte[] good = new TarBuilder().file("f", "x".repeat(2000)).tar();
    byte[] corrupt = good.clone();
    corrupt[10] ^= 1;
    assertTrue(assertThrows(OciException.class, () -> apply(u, L1, corrupt)).getMessage().contains("checksum"));
    byte[] truncated = Arrays.copyOf(good, 1024);
    assertTrue(assertThrows(OciException.class, () -> apply(u, L1, truncated)).getMessage().contains("truncated"));
    byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0};
    OciException z = assertThrows(OciException.class, () -> apply(u, L1, zstd));
    assertEquals(OciException.Kind.UNSUPPORTED, z.kind());
    assertTrue(z.getMessage().contains("zstd"), z.getMessage());
  }

  @Test
  void ownershipManifestRoundTripsThroughItsFile() throws Exception {
    LayerUnpacker u = unpacker(false);
    apply(u, L1, new TarBuilder().owner(7, 8).file("with space/and\nnewline", "x").file("back\\slash", "y").tar());
    Path f = tmp.resolve("own.txt");
    u.ownership().write(f);
    assertEquals(u.ownership().entries(), OwnershipManifest.read(f).entries());
    assertEquals(java.util.List.of("with space/and\nnewline"), u.ownership().unscriptable());
  }

  private static java.util.List<String> list(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}

package dev.sbx.vm.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.host.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store against real mkfs.ext4 and qemu-img, on tiny trees (a few ms each). */
class ImageStoreTest {
  private static final ImageConfig CONFIG = new ImageConfig("app", List.of("A=1", "PATH=/bin"), List.of("/bin/app"),
      List.of("--serve"), "/srv");

  @TempDir Path tmp;
  ImageStore store;

  @BeforeEach
  void setUp() {
    Assumptions.assumeTrue(HostCommand.available("mkfs.ext4") && HostCommand.available("qemu-img"),
        "needs e2fsprogs and qemu-utils (scripts/prepare-host.sh)");
    store = new ImageStore(tmp.resolve("images"), 16);
  }

  private Path tree(String name, String content) throws IOException {
    Path root = tmp.resolve(name);
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("bin"));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1234:4321::/srv:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\nstaff:x:50:\n");
    Files.writeString(root.resolve("bin/app"), content);
    Files.setPosixFilePermissions(root.resolve("bin/app"), PosixFilePermissions.fromString("rwxr-xr-x"));
    return root;
  }

  private ImageRecord importTree(String name, String content, String... refs) throws IOException {
    Path root = tree(name, content);
    String digest = RootfsDigest.of(root);
    return store.importRootfs(new ImageStore.ImportRequest(root, CONFIG, digest, List.of(refs), "test", List.of()),
        ProgressListener.NONE);
  }

  @Test
  void importWritesAReadOnlyBaseAndMetadataThatReadsBack() throws IOException {
    var lines = new ArrayList<String>();
    Path root = tree("a", "#!/bin/sh\necho a\n");
    String digest = RootfsDigest.of(root);
    ImageRecord r = store.importRootfs(new ImageStore.ImportRequest(root, CONFIG, digest, List.of("team/app"),
        "test", List.of("sha256:" + "b".repeat(64))), lines::add);
    assertFalse(lines.isEmpty(), "progress lines");
    assertEquals(digest, r.digest());
    assertEquals(List.of("team/app:latest"), r.references());
    assertEquals(CONFIG, r.config());
    assertEquals(1234, r.uid(), "user resolved against the image's /etc/passwd");
    assertEquals(4321, r.gid());
    Path disk = store.disk(r);
    assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(disk)));
    assertTrue(r.diskBytes() >= 16L * 1024 * 1024, "headroom included");
    assertTrue(ImageStore.allocated(disk) < r.diskBytes() / 2, "the base disk is sparse");
    var dump = HostCommand.run(List.of("debugfs", "-R", "cat /bin/app", disk.toString()), null,
        java.time.Duration.ofSeconds(20));
    assertEquals("#!/bin/sh\necho a\n", dump.stdout(), "the tree is inside the ext4");

    ImageRecord read = store.get("team/app");
    assertEquals(r, read);
    assertEquals(r, store.get(digest));
    assertEquals(r, store.get(r.shortId()));
    assertEquals(r, store.get(digest.substring(7, 13)));
    assertEquals(1, store.list().size());
  }

  @Test
  void sameDigestTwiceIsStoredOnceWithBothReferences() throws IOException {
    ImageRecord first = importTree("a", "x", "one");
    ImageRecord second = importTree("b", "x", "two:v1");
    assertEquals(first.digest(), second.digest(), "same content, same digest");
    assertEquals(List.of("one:latest", "two:v1"), second.references());
    assertEquals(1, store.list().size());
  }

  @Test
  void aReferenceMovesToTheNewestImageItNames() throws IOException {
    ImageRecord old = importTree("a", "old", "app:dev");
    ImageRecord fresh = importTree("b", "new", "app:dev");
    assertEquals(List.of(), store.get(old.digest()).references(), "untagged, not deleted");
    assertEquals(fresh.digest(), store.get("app:dev").digest());
    store.tag(old.shortId(), "app:old");
    assertEquals(List.of("app:old"), store.get(old.digest()).references());
  }

  @Test
  void overlaysHoldReferencesAndCopyNothing() throws IOException {
    ImageRecord image = importTree("a", "x".repeat(200_000), "app");
    Path o1 = tmp.resolve("sb1/root.qcow2");
    Path o2 = tmp.resolve("sb2/root.qcow2");
    Files.createDirectories(o1.getParent());
    Files.createDirectories(o2.getParent());
    store.attach("app", o1, "sb1");
    store.attach(image.shortId(), o2, "sb2");
    assertTrue(ImageStore.allocated(o1) < 1024 * 1024, "overlay at create: " + ImageStore.allocated(o1));
    var info = HostCommand.run(List.of("qemu-img", "info", o1.toString()), null, java.time.Duration.ofSeconds(20));
    assertTrue(info.stdout().contains("backing file: " + store.disk(image)), info.stdout());
    assertEquals(List.of("sb1", "sb2"), store.users(image.digest()).stream().map(ImageStore.ImageUse::sandbox).toList());

    var refused = assertThrows(ImageException.class, () -> store.remove("app", false));
    assertEquals(ImageException.Kind.IN_USE, refused.kind());
    assertTrue(refused.getMessage().contains("sb1, sb2") && refused.getMessage().contains("--force"),
        refused.getMessage());
    assertTrue(store.prune().images().isEmpty(), "prune keeps images in use");

    store.detach(o1);
    Files.delete(o1);
    Files.delete(o2); // a sandbox dir removed behind sbx's back holds nothing either
    assertEquals(List.of(), store.users(image.digest()));
    ImageStore.Removal removal = store.remove("app", false);
    assertEquals(image.digest(), removal.deleted().digest());
    assertTrue(store.list().isEmpty());
    assertFalse(Files.exists(store.disk(image)));
  }

  @Test
  void forceRemovesAnImageInUseAndNamesTheSandboxesLeftBroken() throws IOException {
    importTree("a", "x", "app");
    Path o1 = tmp.resolve("root.qcow2");
    store.attach("app", o1, "sb1");
    ImageStore.Removal removal = store.remove("app", true);
    assertEquals(List.of("sb1"), removal.broken().stream().map(ImageStore.ImageUse::sandbox).toList());
    assertTrue(store.find("app").isEmpty());
  }

  @Test
  void removingOneOfSeveralReferencesOnlyUntags() throws IOException {
    importTree("a", "x", "one", "two");
    store.attach("one", tmp.resolve("o.qcow2"), "sb");
    ImageStore.Removal removal = store.remove("one", false);
    assertEquals("one:latest", removal.untagged());
    assertNull(removal.deleted());
    assertEquals(List.of("two:latest"), store.get("two").references());
  }

  @Test
  void pruneRemovesUnusedImagesAndDanglingBlobsOnly() throws IOException {
    Path root = tree("a", "used");
    String keptBlob = "sha256:" + "a".repeat(64);
    ImageRecord used = store.importRootfs(new ImageStore.ImportRequest(root, CONFIG, RootfsDigest.of(root),
        List.of("used"), "test", List.of(keptBlob)), ProgressListener.NONE);
    ImageRecord unused = importTree("b", "unused", "unused");
    store.attach("used", tmp.resolve("o.qcow2"), "sb");
    Path blobs = Files.createDirectories(store.blobsDir().resolve("sha256"));
    Files.writeString(blobs.resolve("a".repeat(64)), "kept layer");
    Files.writeString(blobs.resolve("c".repeat(64)), "dangling layer");
    Path partial = Files.createDirectories(blobs.resolve(".partial"));
    Files.writeString(partial.resolve("d".repeat(64)), "a download in progress");
    Files.writeString(partial.resolve("e".repeat(64)), "an abandoned download");
    Files.setLastModifiedTime(partial.resolve("e".repeat(64)),
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(2))));

    ImageStore.Pruned pruned = store.prune();
    assertEquals(List.of(unused.digest()), pruned.images().stream().map(ImageRecord::digest).toList());
    assertEquals(2, pruned.blobs(), "the dangling blob and the abandoned partial download");
    assertTrue(Files.exists(partial.resolve("d".repeat(64))), "a recent partial download is kept");
    assertTrue(pruned.bytes() > 0);
    assertTrue(Files.exists(blobs.resolve("a".repeat(64))));
    assertFalse(Files.exists(blobs.resolve("c".repeat(64))));
    assertEquals(List.of(used.digest()), store.list().stream().map(ImageRecord::digest).toList());
  }

  @Test
  void unknownAndAmbiguousNamesAreUserErrors() throws IOException {
    var missing = assertThrows(ImageException.class, () -> store.get("nope:1"));
    assertEquals(ImageException.Kind.NOT_FOUND, missing.kind());
    assertTrue(missing.getMessage().contains("sbx image ls"), missing.getMessage());
    Path root = tree("a", "x");
    var badUser = assertThrows(ImageException.class, () -> store.importRootfs(new ImageStore.ImportRequest(root,
        new ImageConfig("ghost", List.of(), List.of(), List.of(), ""), RootfsDigest.of(root), List.of(), "t",
        List.of()), ProgressListener.NONE));
    assertEquals(ImageException.Kind.INVALID, badUser.kind());
    assertTrue(store.list().isEmpty(), "nothing stored after a refused import");
  }

  @Test
  void aDebugfsScriptSetsOwnersAnUnprivilegedUnpackCouldNot() throws IOException {
    Path root = tree("a", "x");
    ImageRecord r = store.importRootfs(new ImageStore.ImportRequest(root, ImageConfig.NONE, RootfsDigest.of(root),
        List.of("fixed"), "test", List.of(), "sif \"/bin/app\" uid 777\nsif \"/bin/app\" mode 0104755\n"),
        ProgressListener.NONE);
    var stat = HostCommand.run(List.of("debugfs", "-R", "stat /bin/app", store.disk(r).toString()), null,
        java.time.Duration.ofSeconds(20));
    assertTrue(stat.stdout().contains("User:   777"), stat.stdout());
    assertTrue(stat.stdout().contains("Mode:  04755"), stat.stdout());
    var broken = assertThrows(ImageException.class, () -> store.importRootfs(new ImageStore.ImportRequest(
        tree("b", "y"), ImageConfig.NONE, "sha256:" + "e".repeat(64), List.of(), "t", List.of(),
        "sif \"/missing\" uid 1\n"), ProgressListener.NONE));
    assertEquals(ImageException.Kind.IO, broken.kind());
  }
}

package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.schemas.model.ArtifactFile;
import dev.sbx.schemas.model.LoadedKit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kit references against real git repositories (JGit, git+file://) and real zip files. */
class KitSourcesIT {
  @TempDir Path tmp;

  private Path work;
  private Path bare;
  private KitSources sources;
  private final KitLoader loader = KitLoader.defaults();

  @BeforeEach
  void repository() throws Exception {
    work = tmp.resolve("work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      writeKit("kits/node", "node", "v1 text");
      commit(git, "first");
      git.tag().setName("v1").setAnnotated(true).setMessage("v1").call();
    }
    bare = tmp.resolve("kits.git");
    Git.cloneRepository().setURI(work.toUri().toString()).setDirectory(bare.toFile()).setBare(true)
        .call().close();
    sources = new KitSources(tmp.resolve("cache"));
  }

  @Test
  void aBranchResolvesToItsCommitAndLoadsTheKitWithItsFiles() throws Exception {
    String ref = "git+" + bare.toUri() + "#ref=main&dir=kits/node";
    ResolvedKit resolved = sources.resolve(ref);
    LoadedKit kit = loader.load(resolved);
    assertEquals("node", kit.kit().name());
    assertEquals(ref, resolved.displayName());
    assertEquals(headOf(bare), resolved.revision());
    assertTrue(resolved.path().startsWith(tmp.resolve("cache").resolve("git")));
    assertTrue(resolved.path().toString().contains(resolved.revision()));
    ArtifactFile file = kit.kit().files().get(0);
    assertEquals("notes.txt", file.relativePath());
    assertEquals("v1 text", new String(file.content(), StandardCharsets.UTF_8));
    assertTrue(kit.file().displayName().startsWith(ref), kit.file().displayName());
  }

  @Test
  void aPinnedCommitIsServedFromTheCacheEvenWhenTheRemoteIsGone() throws Exception {
    String commit = headOf(bare);
    sources.resolve("git+" + bare.toUri() + "#ref=" + commit + "&dir=kits/node");
    deleteTree(bare);
    ResolvedKit again = sources.resolve("git+" + bare.toUri() + "#ref=" + commit + "&dir=kits/node");
    assertEquals("node", loader.load(again).kit().name());
  }

  @Test
  void aMovedBranchIsFetchedAgainAndAnAnnotatedTagStaysPut() throws Exception {
    String before = sources.resolve("git+" + bare.toUri() + "#ref=main&dir=kits/node").revision();
    try (Git git = Git.open(work.toFile())) {
      writeKit("kits/node", "node", "v2 text");
      commit(git, "second");
      git.push().setRemote(bare.toUri().toString()).add("main").call();
    }
    ResolvedKit moved = sources.resolve("git+" + bare.toUri() + "#ref=main&dir=kits/node");
    assertNotEquals(before, moved.revision());
    assertEquals("v2 text", new String(loader.load(moved).kit().files().get(0).content(),
        StandardCharsets.UTF_8));
    ResolvedKit tagged = sources.resolve("git+" + bare.toUri() + "#ref=v1&dir=kits/node");
    assertEquals(before, tagged.revision());
    assertEquals("v1 text", new String(loader.load(tagged).kit().files().get(0).content(),
        StandardCharsets.UTF_8));
  }

  @Test
  void unknownRefsAndDirsAreUserErrors() {
    ManifestException noRef = assertThrows(ManifestException.class,
        () -> sources.resolve("git+" + bare.toUri() + "#ref=nope"));
    assertTrue(noRef.getMessage().contains("no branch or tag named 'nope'"), noRef.getMessage());
    ManifestException noDir = assertThrows(ManifestException.class,
        () -> sources.resolve("git+" + bare.toUri() + "#dir=kits/none"));
    assertTrue(noDir.getMessage().contains("dir=kits/none does not exist"), noDir.getMessage());
    ManifestException traversal = assertThrows(ManifestException.class,
        () -> sources.resolve("git+" + bare.toUri() + "#dir=../../etc"));
    assertTrue(traversal.getMessage().contains("leaves the repository"), traversal.getMessage());
    ManifestException unreachable = assertThrows(ManifestException.class,
        () -> sources.resolve("git+file://" + tmp.resolve("missing.git")));
    assertTrue(unreachable.getMessage().contains("cannot reach"), unreachable.getMessage());
    ManifestException param = assertThrows(ManifestException.class,
        () -> sources.resolve("git+" + bare.toUri() + "#branch=main"));
    assertTrue(param.getMessage().contains("unknown parameter 'branch'"), param.getMessage());
  }

  @Test
  void aCommittedSymlinkLeavingTheKitIsRefused() throws Exception {
    try (Git git = Git.open(work.toFile())) {
      Path home = work.resolve("kits/node/files/home");
      Files.createSymbolicLink(home.resolve("passwd"), Path.of("../../../../../etc/passwd"));
      commit(git, "evil link");
      git.push().setRemote(bare.toUri().toString()).add("main").call();
    }
    ResolvedKit resolved = sources.resolve("git+" + bare.toUri() + "#dir=kits/node");
    ManifestException e = assertThrows(ManifestException.class, () -> loader.load(resolved));
    assertTrue(e.getMessage().contains("symlink that escapes the kit directory"), e.getMessage());
  }

  @Test
  void aZipWithTheKitInATopFolderLoadsAndIsCachedByContent() throws IOException {
    Path zip = tmp.resolve("node-1.0.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("node/spec.yaml"));
      out.write(spec("node").getBytes(StandardCharsets.UTF_8));
      out.putNextEntry(new ZipEntry("node/files/workspace/README.md"));
      out.write("# hi\n".getBytes(StandardCharsets.UTF_8));
    }
    ResolvedKit first = sources.resolve(zip.toString());
    LoadedKit kit = loader.load(first);
    assertEquals("node", kit.kit().name());
    assertEquals(ArtifactFile.Target.WORKSPACE, kit.kit().files().get(0).target());
    assertEquals(first.path(), sources.resolve(zip.toString()).path());
  }

  private void writeKit(String dir, String name, String note) throws IOException {
    Path kit = Files.createDirectories(work.resolve(dir));
    Files.writeString(kit.resolve("spec.yaml"), spec(name));
    Path home = Files.createDirectories(kit.resolve("files/home"));
    Files.writeString(home.resolve("notes.txt"), note);
  }

  private static String spec(String name) {
    return "schemaVersion: \"2\"\nkind: mixin\nname: " + name + "\npermissions:\n  network:\n"
        + "    allow: [api.example.com]\n";
  }

  private static RevCommit commit(Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor("t", "t@example.com")
        .setCommitter("t", "t@example.com").setSign(false).call();
  }

  private static String headOf(Path repo) throws IOException {
    try (Git git = Git.open(repo.toFile())) {
      return git.getRepository().resolve("refs/heads/main").name();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

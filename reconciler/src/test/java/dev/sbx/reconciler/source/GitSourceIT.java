package dev.sbx.reconciler.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.gitops.GitRemote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitSource against real bare repositories on disk (file:// URLs), through JGit. */
class GitSourceIT {
  @TempDir Path tmp;
  GitRemote remote;

  @BeforeEach
  void setUp() throws Exception {
    remote = new GitRemote(tmp);
  }

  @AfterEach
  void tearDown() {
    remote.close();
  }

  private GitSource source(GitRef ref, String subdir) {
    GitSourceSpec spec = new GitSourceSpec(remote.url(), ref, subdir, Duration.ofMinutes(1),
        new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 2, 0), tmp.resolve("src"), Duration.ofSeconds(20));
    return new GitSource(spec, GitCredentials.NONE, Clock.systemUTC(), new SplittableRandom(1));
  }

  @Test
  void fetchesBranchShallowlyAndChecksOutTheCommit() throws Exception {
    remote.write("gitops/a.txt", "one").commitAndPush("first");
    String second = remote.write("gitops/a.txt", "two").write("other/b.txt", "x").commitAndPush("second");
    GitSource source = source(GitRef.branch("main"), "gitops");

    SourceSnapshot s = source.fetch();

    assertEquals(second, s.revision());
    assertEquals("two", Files.readString(s.directory().resolve("a.txt")));
    assertFalse(Files.exists(s.directory().resolve("../other/b.txt")), "only the subdirectory is checked out");
    assertEquals("git:" + remote.url() + "#main//gitops", source.id());
    try (Repository cache = new FileRepositoryBuilder().setGitDir(tmp.resolve("src/cache.git").toFile()).build()) {
      assertTrue(cache.getObjectDatabase().getShallowCommits().contains(
          org.eclipse.jgit.lib.ObjectId.fromString(second)), "depth-1 fetch leaves a shallow cache");
    }
  }

  @Test
  void followsForcePushesAndDropsOldCheckouts() throws Exception {
    String first = remote.write("gitops/a.txt", "one").commitAndPush("first");
    String second = remote.write("gitops/a.txt", "two").commitAndPush("second");
    GitSource source = source(GitRef.branch("main"), "gitops");
    SourceSnapshot s2 = source.fetch();
    assertEquals(second, s2.revision());

    remote.forcePush(first);
    SourceSnapshot s1 = source.fetch();

    assertEquals(first, s1.revision());
    assertEquals("one", Files.readString(s1.directory().resolve("a.txt")));
    assertFalse(Files.exists(s2.directory()), "the replaced checkout is removed");
  }

  @Test
  void tagAndCommitRefs() throws Exception {
    String first = remote.write("a.txt", "one").commitAndPush("first");
    remote.tag("v1");
    remote.write("a.txt", "two").commitAndPush("second");

    assertEquals(first, source(GitRef.tag("v1"), "").fetch().revision());
    SourceSnapshot byCommit = source(GitRef.commit(first), "").fetch();
    assertEquals(first, byCommit.revision());
    assertEquals("one", Files.readString(byCommit.directory().resolve("a.txt")));
  }

  @Test
  void unreachableRepositoryFailsKeepsLastGoodAndBacksOff() throws Exception {
    String first = remote.write("gitops/a.txt", "one").commitAndPush("first");
    GitSource source = source(GitRef.branch("main"), "gitops");
    SourceSnapshot good = source.fetch();
    Files.move(remote.bare, tmp.resolve("moved.git"));

    SourceException e = assertThrows(SourceException.class, source::fetch);
    assertEquals("FetchFailed", e.reason());
    Duration afterOne = source.nextFetchIn();
    assertThrows(SourceException.class, source::fetch);
    Duration afterTwo = source.nextFetchIn();

    assertEquals(Duration.ofSeconds(1), afterOne);
    assertEquals(Duration.ofSeconds(2), afterTwo);
    assertEquals(first, source.lastGood().orElseThrow().revision());
    assertTrue(Files.exists(good.directory().resolve("a.txt")), "the last good checkout stays on disk");

    Files.move(tmp.resolve("moved.git"), remote.bare);
    assertEquals(first, source.fetch().revision());
    assertEquals(0, source.failures());
  }

  @Test
  void corruptRepositoryFailsWithItsReason() throws Exception {
    remote.write("gitops/a.txt", "one").commitAndPush("first");
    GitSource source = source(GitRef.branch("main"), "gitops");
    source.fetch();
    String next = remote.write("gitops/a.txt", "two").commitAndPush("second");
    // every object of the new commit becomes garbage
    try (var objects = Files.walk(remote.bare.resolve("objects"))) {
      for (Path p : objects.filter(Files::isRegularFile).toList()) {
        p.toFile().setWritable(true);
        Files.write(p, new byte[] {1, 2, 3, 4});
      }
    }
    SourceException e = assertThrows(SourceException.class, source::fetch);
    assertEquals("FetchFailed", e.reason());
    assertFalse(source.lastGood().orElseThrow().revision().equals(next));
  }

  @Test
  void missingSubdirectoryAndBranch() throws Exception {
    remote.write("a.txt", "one").commitAndPush("first");
    assertEquals("SubdirectoryNotFound",
        assertThrows(SourceException.class, () -> source(GitRef.branch("main"), "nope").fetch()).reason());
    assertEquals("FetchFailed",
        assertThrows(SourceException.class, () -> source(GitRef.branch("nope"), "").fetch()).reason(),
        "a branch the remote does not have");
  }

  @Test
  void webhookUrlsMatchTheSource() {
    GitSourceSpec spec = GitSourceSpec.of("https://github.com/Org/Repo.git", GitRef.branch("main"), "",
        Duration.ofMinutes(1), tmp);
    GitSource s = new GitSource(spec, GitCredentials.NONE);
    assertTrue(s.matches("https://github.com/org/repo", "refs/heads/main"));
    assertTrue(s.matches("git@github.com:org/repo.git", "refs/heads/main"));
    assertFalse(s.matches("https://github.com/org/repo", "refs/heads/dev"));
    assertFalse(s.matches("https://github.com/org/other", "refs/heads/main"));
    assertEquals("git:https://github.com/Org/Repo.git#main",
        new GitSource(GitSourceSpec.of("https://user:tok3n@github.com/Org/Repo.git", GitRef.branch("main"), "",
            Duration.ofMinutes(1), tmp), GitCredentials.NONE).id(), "no user info in the id");
  }

  @Test
  void credentialsAreAskedForPerUrlAndNeverShowInErrors() throws Exception {
    java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    GitCredentials creds = url -> {
      asked.add(url);
      return java.util.Optional.of(new GitCredentials.Token("x-access-token", "s3cr3t-value"));
    };
    // nothing listens on port 1 of the loopback: the fetch fails fast
    String url = "https://user:inline-t0ken@127.0.0.1:1/org/repo.git";
    GitSource source = new GitSource(new GitSourceSpec(url, GitRef.branch("main"), "", Duration.ofMinutes(1),
        new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 2, 0), tmp.resolve("creds"), Duration.ofSeconds(5)),
        creds, Clock.systemUTC(), new SplittableRandom(1));

    SourceException e = assertThrows(SourceException.class, source::fetch);

    assertEquals("FetchFailed", e.reason());
    assertEquals(java.util.List.of(url), asked);
    assertFalse(e.getMessage().contains("s3cr3t-value"), e.getMessage());
    assertFalse(e.getMessage().contains("inline-t0ken"), e.getMessage());
    assertFalse(source.id().contains("inline-t0ken"));
    assertFalse(new GitCredentials.Token("u", "s3cr3t-value").toString().contains("s3cr3t"));
  }
}

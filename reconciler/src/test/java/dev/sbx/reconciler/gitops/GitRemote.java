package dev.sbx.reconciler.gitops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A real bare repository on disk (the "remote", served as a {@code file://} URL) and a working
 * clone used to commit and push to it, force-pushes included. All through JGit.
 */
public final class GitRemote implements AutoCloseable {
  public final Path bare;
  public final Path work;
  private final Git git;

  public GitRemote(Path root) throws Exception {
    this.bare = root.resolve("remote.git");
    this.work = root.resolve("work");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
    this.git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call();
    git.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(url())).call();
  }

  public String url() {
    return bare.toUri().toString();
  }

  /** Writes {@code path} in the work tree (relative), creating directories. */
  public GitRemote write(String path, String content) throws IOException {
    Path file = work.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return this;
  }

  public GitRemote delete(String path) throws IOException {
    Files.deleteIfExists(work.resolve(path));
    return this;
  }

  /** Commits everything and pushes main; returns the commit id. */
  public String commitAndPush(String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    PersonIdent who = new PersonIdent("sbx test", "test@example.com");
    RevCommit c = git.commit().setMessage(message).setAuthor(who).setCommitter(who).setAllowEmpty(true).call();
    git.push().setRemote("origin").setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main")).call();
    return c.name();
  }

  /** Resets the work tree to {@code commit} and force-pushes main there. */
  public void forcePush(String commit) throws GitAPIException {
    git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(commit).call();
    git.push().setRemote("origin").setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main")).setForce(true).call();
  }

  public void tag(String name) throws GitAPIException {
    git.tag().setName(name).setAnnotated(true).setMessage(name).call();
    git.push().setRemote("origin").setPushTags().call();
  }

  @Override
  public void close() {
    git.close();
  }
}

package dev.sbx.reconciler.source;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * A git repository through JGit. Each {@link #fetch()} fetches the ref into a bare cache repository
 * under {@code workDir/cache.git} (depth 1 for a branch or tag; a commit needs the full history,
 * since servers need not serve an unadvertised commit), then checks the commit's tree out into
 * {@code workDir/checkouts/COMMIT} (regular files only: symlinks and submodules are skipped so a
 * checkout cannot point outside itself). The snapshot is that directory plus the subdirectory.
 *
 * <p>On failure the last good checkout stays on disk and {@link #lastGood()} returns it; the next
 * fetch comes after an exponential backoff. A cache that JGit cannot read any more (corrupt) is
 * deleted, so the next fetch starts clean. Force-pushes are followed (the refspec is forced).
 */
public final class GitSource implements Source {
  private static final String CACHE = "cache.git";
  private static final String CHECKOUTS = "checkouts";

  private final GitSourceSpec spec;
  private final GitCredentials credentials;
  private final Clock clock;
  private final RandomGenerator random;
  private int failures;
  private boolean shallowUnsupported;
  private SourceSnapshot lastGood;

  public GitSource(GitSourceSpec spec, GitCredentials credentials, Clock clock, RandomGenerator random) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  public GitSource(GitSourceSpec spec, GitCredentials credentials) {
    this(spec, credentials, Clock.systemUTC(), new SplittableRandom());
  }

  @Override
  public String id() {
    return spec.id();
  }

  public GitSourceSpec spec() {
    return spec;
  }

  /** The last snapshot fetched and checked out successfully. */
  public synchronized Optional<SourceSnapshot> lastGood() {
    return Optional.ofNullable(lastGood);
  }

  @Override
  public synchronized SourceSnapshot fetch() throws SourceException {
    try {
      ObjectId commit = fetchCommit();
      Path checkout = checkout(commit);
      Path dir = spec.subdirectory().isEmpty() ? checkout : checkout.resolve(spec.subdirectory());
      if (!Files.isDirectory(dir)) {
        throw new SourceException("SubdirectoryNotFound",
            "commit " + commit.name() + " has no directory '" + spec.subdirectory() + "'");
      }
      lastGood = new SourceSnapshot(id(), dir, commit.name(), clock.instant());
      failures = 0;
      removeCheckoutsOtherThan(checkout);
      return lastGood;
    } catch (SourceException e) {
      failures++;
      throw e;
    } catch (RuntimeException | Error e) {
      failures++;
      throw e;
    }
  }

  @Override
  public synchronized Duration nextFetchIn() {
    return failures == 0 ? Backoff.spread(spec.interval(), 0.1, random) : spec.retry().delay(failures, random);
  }

  /** Consecutive failed fetches (0 after a success). */
  public synchronized int failures() {
    return failures;
  }

  @Override
  public boolean matches(String repositoryUrl, String ref) {
    return RepositoryUrls.canonical(repositoryUrl).equals(RepositoryUrls.canonical(spec.url()))
        && (ref == null || spec.ref().movedBy(ref));
  }

  private ObjectId fetchCommit() throws SourceException {
    Path cacheDir = spec.workDir().resolve(CACHE);
    try {
      Files.createDirectories(spec.workDir());
      Repository repo = openCache(cacheDir);
      try (repo; Git git = new Git(repo)) {
        String local = localRef();
        fetch(git, refSpec(local));
        ObjectId id = resolve(repo, local);
        if (id == null) {
          throw new SourceException("RevisionNotFound", "no " + describeRef() + " in " + RepositoryUrls.redact(spec.url()));
        }
        return id;
      }
    } catch (TransportException e) {
      throw new SourceException("FetchFailed",
          "cannot fetch " + RepositoryUrls.redact(spec.url()) + ": " + redacted(e.getMessage()), e);
    } catch (GitAPIException | IOException | RuntimeException e) {
      deleteTree(cacheDir); // maybe corrupt: start from scratch next time
      throw new SourceException("FetchFailed",
          "cannot fetch " + RepositoryUrls.redact(spec.url()) + ": " + redacted(String.valueOf(e.getMessage())), e);
    }
  }

  private void fetch(Git git, RefSpec refSpec) throws GitAPIException, SourceException {
    boolean shallow = !(spec.ref() instanceof GitRef.Commit) && !shallowUnsupported;
    try {
      fetchCommand(git, refSpec, shallow).call();
    } catch (TransportException e) {
      if (shallow && String.valueOf(e.getMessage()).toLowerCase().contains("shallow")) {
        shallowUnsupported = true; // e.g. a dumb http server: fall back to a full fetch
        fetchCommand(git, refSpec, false).call();
      } else {
        throw e;
      }
    }
  }

  private FetchCommand fetchCommand(Git git, RefSpec refSpec, boolean shallow) {
    FetchCommand fetch = git.fetch()
        .setRemote(spec.url())
        .setRefSpecs(refSpec)
        .setForceUpdate(true)
        .setRemoveDeletedRefs(true)
        .setTimeout((int) Math.max(1, spec.timeout().toSeconds()));
    if (shallow) {
      fetch.setDepth(1);
    }
    credentials.lookup(spec.url()).ifPresent(c -> {
      if (c instanceof GitCredentials.Token t) {
        fetch.setCredentialsProvider(new UsernamePasswordCredentialsProvider(t.username(), t.secret()));
      } else if (c instanceof GitCredentials.SshDirectory s) {
        fetch.setTransportConfigCallback(transport -> {
          if (transport instanceof SshTransport ssh) {
            Path home = s.directory().getParent() == null ? s.directory() : s.directory().getParent();
            ssh.setSshSessionFactory(new SshdSessionFactoryBuilder()
                .setSshDirectory(s.directory().toFile())
                .setHomeDirectory(home.toFile())
                .build(null));
          }
        });
      }
    });
    return fetch;
  }

  private String localRef() {
    if (spec.ref() instanceof GitRef.Branch b) {
      return "refs/sbx/heads/" + b.name();
    }
    if (spec.ref() instanceof GitRef.Tag t) {
      return "refs/sbx/tags/" + t.name();
    }
    return "refs/sbx/heads/*";
  }

  private RefSpec refSpec(String local) {
    if (spec.ref() instanceof GitRef.Branch b) {
      return new RefSpec("+refs/heads/" + b.name() + ":" + local);
    }
    if (spec.ref() instanceof GitRef.Tag t) {
      return new RefSpec("+refs/tags/" + t.name() + ":" + local);
    }
    return new RefSpec("+refs/heads/*:" + local);
  }

  private ObjectId resolve(Repository repo, String local) throws IOException {
    if (spec.ref() instanceof GitRef.Commit c) {
      ObjectId id = ObjectId.fromString(c.id());
      return repo.getObjectDatabase().has(id) ? id : null;
    }
    return repo.resolve(local + "^{commit}");
  }

  private String describeRef() {
    if (spec.ref() instanceof GitRef.Branch b) {
      return "branch " + b.name();
    }
    if (spec.ref() instanceof GitRef.Tag t) {
      return "tag " + t.name();
    }
    return "commit " + spec.ref().display();
  }

  private static Repository openCache(Path cacheDir) throws IOException {
    Repository repo = new FileRepositoryBuilder().setGitDir(cacheDir.toFile()).setBare().build();
    if (!repo.getObjectDatabase().exists()) {
      repo.create(true);
    }
    return repo;
  }

  /** Writes the commit's tree into checkouts/ID (once; a finished checkout is reused). */
  private Path checkout(ObjectId commit) throws SourceException {
    Path checkouts = spec.workDir().resolve(CHECKOUTS);
    Path target = checkouts.resolve(commit.name());
    if (Files.isDirectory(target)) {
      return target;
    }
    Path tmp = checkouts.resolve(commit.name() + ".tmp");
    try (Repository repo = openCache(spec.workDir().resolve(CACHE));
        RevWalk walk = new RevWalk(repo);
        ObjectReader reader = repo.newObjectReader();
        TreeWalk tree = new TreeWalk(repo, reader)) {
      deleteTree(tmp);
      Files.createDirectories(tmp);
      RevCommit c = walk.parseCommit(commit);
      tree.addTree(c.getTree());
      tree.setRecursive(true);
      if (!spec.subdirectory().isEmpty()) {
        tree.setFilter(PathFilter.create(spec.subdirectory()));
      }
      while (tree.next()) {
        FileMode mode = tree.getFileMode(0);
        if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
          continue; // symlinks and submodules are not followed
        }
        Path file = tmp.resolve(tree.getPathString()).normalize();
        if (!file.startsWith(tmp)) {
          continue;
        }
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
          reader.open(tree.getObjectId(0)).copyTo(out);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      deleteTree(spec.workDir().resolve(CACHE));
      throw new SourceException("CheckoutFailed", "cannot check out " + commit.name() + ": " + e.getMessage(), e);
    }
  }

  private void removeCheckoutsOtherThan(Path keep) {
    Path checkouts = spec.workDir().resolve(CHECKOUTS);
    try (Stream<Path> list = Files.list(checkouts)) {
      for (Path p : list.toList()) {
        if (!p.equals(keep)) {
          deleteTree(p);
        }
      }
    } catch (IOException e) {
      // an old checkout left behind costs disk space only; the next fetch tries again
    }
  }

  private static String redacted(String message) {
    return message == null ? "" : message.replaceAll("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]*@", "$1");
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // best effort: a leftover directory is overwritten or ignored later
    }
  }
}

package dev.sbx.schemas;

import dev.sbx.schemas.model.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Turns a kit reference into a local directory: a directory or spec file as is; a {@code .zip}
 * extracted into the cache (keyed by its SHA-256); {@code git+https://}, {@code git+ssh://} or
 * {@code git+file://} URLs with {@code #ref=BRANCH|TAG|SHA&dir=SUBDIR} fetched through JGit and
 * exported into the cache keyed by the RESOLVED commit, so a moved branch is fetched again and a
 * pinned commit never is.
 */
public final class KitSources {
  private static final Pattern SHA = Pattern.compile("^[0-9a-f]{40}$");
  /** Zip contents above this are refused (zip bombs). */
  static final long MAX_UNPACKED_BYTES = 256L << 20;

  private final Path cacheDir;

  public KitSources(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** Cache in $SBX_CACHE_DIR, else $XDG_CACHE_HOME/sbx, else ~/.cache/sbx. */
  public static KitSources defaults() {
    String sbx = System.getenv("SBX_CACHE_DIR");
    if (sbx != null && !sbx.isBlank()) {
      return new KitSources(Path.of(sbx).resolve("kits"));
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return new KitSources(base.resolve("sbx").resolve("kits"));
  }

  public Path cacheDir() {
    return cacheDir;
  }

  /** Resolves a reference; relative paths are relative to the working directory. */
  public ResolvedKit resolve(String ref) {
    return resolve(ref, Path.of(""));
  }

  /** Resolves a reference; relative paths are relative to {@code baseDir} (a manifest's folder). */
  public ResolvedKit resolve(String ref, Path baseDir) {
    if (ref.startsWith("git+")) {
      return git(GitRef.parse(ref));
    }
    Path path = baseDir.resolve(ref);
    if (ref.endsWith(".zip") && Files.isRegularFile(path)) {
      return new ResolvedKit(zip(path, ref), ref, null);
    }
    return new ResolvedKit(path, ref, null);
  }

  /** A parsed {@code git+...} reference. */
  record GitRef(String original, String url, String ref, String dir) {
    static GitRef parse(String original) {
      String rest = original.substring("git+".length());
      String fragment = "";
      int hash = rest.indexOf('#');
      if (hash >= 0) {
        fragment = rest.substring(hash + 1);
        rest = rest.substring(0, hash);
      }
      if (!(rest.startsWith("https://") || rest.startsWith("ssh://") || rest.startsWith("file://")
          || rest.startsWith("http://"))) {
        throw error(original, "unsupported git reference scheme",
            "use git+https://, git+ssh:// or git+file://");
      }
      Map<String, String> params = new LinkedHashMap<>();
      if (!fragment.isEmpty()) {
        for (String pair : fragment.split("&")) {
          int eq = pair.indexOf('=');
          String key = eq < 0 ? pair : pair.substring(0, eq);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1),
              StandardCharsets.UTF_8);
          if (!key.equals("ref") && !key.equals("dir")) {
            throw error(original, "unknown parameter '" + key + "' in the git reference",
                "only #ref=BRANCH|TAG|SHA&dir=SUBDIR are understood");
          }
          params.put(key, value);
        }
      }
      String dir = params.getOrDefault("dir", "");
      while (dir.startsWith("./")) {
        dir = dir.substring(2);
      }
      if (dir.endsWith("/")) {
        dir = dir.substring(0, dir.length() - 1);
      }
      if (!dir.isEmpty() && !Artifacts.validRelative(dir)) {
        throw error(original, "dir=" + dir + " is absolute or leaves the repository",
            "give a path relative to the repository root");
      }
      String ref = params.get("ref");
      while (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1); // one cache entry per repository
      }
      return new GitRef(original, rest, ref == null || ref.isEmpty() ? null : ref, dir);
    }
  }

  private ResolvedKit git(GitRef ref) {
    String commit = resolveCommit(ref);
    Path target = cacheDir.resolve("git").resolve(sha256(ref.url())).resolve(commit);
    if (!Files.isDirectory(target)) {
      fetchAndExport(ref, commit, target);
    }
    Path dir = ref.dir().isEmpty() ? target : target.resolve(ref.dir());
    if (!Files.isDirectory(dir)) {
      throw error(ref.original(), "dir=" + ref.dir() + " does not exist at commit " + commit,
          "check the dir= parameter");
    }
    return new ResolvedKit(dir, ref.original(), commit);
  }

  private static String resolveCommit(GitRef ref) {
    if (ref.ref() != null && SHA.matcher(ref.ref()).matches()) {
      return ref.ref();
    }
    Collection<Ref> refs;
    try {
      refs = Git.lsRemoteRepository().setRemote(ref.url()).setHeads(false).setTags(false).call();
    } catch (GitAPIException | RuntimeException e) {
      throw error(ref.original(), "cannot reach the git repository: " + rootMessage(e),
          "check the URL and your network/credentials");
    }
    Map<String, ObjectId> byName = new LinkedHashMap<>();
    for (Ref r : refs) {
      ObjectId id = r.getPeeledObjectId() != null ? r.getPeeledObjectId() : r.getObjectId();
      if (id != null) {
        byName.putIfAbsent(r.getName(), id);
      }
    }
    String wanted = ref.ref();
    for (String candidate : wanted == null ? new String[] {Constants.HEAD}
        : new String[] {wanted, Constants.R_HEADS + wanted, Constants.R_TAGS + wanted}) {
      ObjectId tagPeeled = byName.get(candidate + "^{}");
      ObjectId id = tagPeeled != null ? tagPeeled : byName.get(candidate);
      if (id != null) {
        return id.name();
      }
    }
    throw error(ref.original(), wanted == null ? "the repository has no HEAD"
        : "no branch or tag named '" + wanted + "'", "use an existing branch, tag or full commit SHA");
  }

  private void fetchAndExport(GitRef ref, String commit, Path target) {
    try {
      Files.createDirectories(target.getParent());
      Path work = Files.createTempDirectory(target.getParent(), ".fetch-");
      try {
        Path bare = work.resolve("repo.git");
        try (Git git = Git.init().setDirectory(bare.toFile()).setBare(true).call()) {
          // No automatic gc: it would run in a background thread inside a directory we delete.
          var config = git.getRepository().getConfig();
          config.setInt("gc", null, "auto", 0);
          config.setBoolean("gc", null, "autoDetach", false);
          config.save();
          git.fetch().setRemote(ref.url()).setRefSpecs(
              new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
              .call();
          export(git.getRepository(), ref, commit, work.resolve("tree"));
        }
        try {
          Files.move(work.resolve("tree"), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
          if (!Files.isDirectory(target)) {
            throw e;
          } // another sbx exported the same commit first
        }
      } finally {
        deleteQuietly(work);
      }
    } catch (GitAPIException | RuntimeException e) {
      if (e instanceof ManifestException m) {
        throw m;
      }
      throw error(ref.original(), "cannot fetch the git repository: " + rootMessage(e),
          "check the URL and your network/credentials");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kit cache " + target, e);
    }
  }

  /** Writes the commit's tree (no .git) with modes and symlinks as committed. */
  private static void export(Repository repo, GitRef ref, String commit, Path out)
      throws IOException {
    RevCommit rev;
    try (RevWalk walk = new RevWalk(repo)) {
      rev = walk.parseCommit(ObjectId.fromString(commit));
    } catch (MissingObjectException e) {
      throw error(ref.original(), "commit " + commit + " is not in the repository",
          "check the ref= parameter");
    }
    Files.createDirectories(out);
    try (TreeWalk tw = new TreeWalk(repo)) {
      tw.addTree(rev.getTree());
      tw.setRecursive(true);
      while (tw.next()) {
        String path = tw.getPathString();
        if (!Artifacts.validRelative(path)) {
          throw error(ref.original(), "repository path '" + path + "' leaves the checkout", null);
        }
        Path file = out.resolve(path);
        Files.createDirectories(file.getParent());
        FileMode mode = tw.getFileMode(0);
        ObjectLoader loader = repo.open(tw.getObjectId(0));
        if (mode == FileMode.SYMLINK) {
          Files.createSymbolicLink(file, Path.of(new String(loader.getBytes(),
              StandardCharsets.UTF_8)));
        } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
          try (InputStream in = loader.openStream()) {
            Files.copy(in, file);
          }
          file.toFile().setExecutable(mode == FileMode.EXECUTABLE_FILE, false);
        }
      }
    }
  }

  private Path zip(Path zip, String shown) {
    Path target;
    try {
      target = cacheDir.resolve("zip").resolve(sha256(Files.readAllBytes(zip)));
    } catch (IOException e) {
      throw error(shown, "cannot read the zip: " + e.getMessage(), null);
    }
    if (!Files.isDirectory(target)) {
      try {
        Files.createDirectories(target.getParent());
        Path work = Files.createTempDirectory(target.getParent(), ".unzip-");
        try {
          unzip(zip, shown, work);
          try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
          } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            if (!Files.isDirectory(target)) {
              throw e;
            }
          }
        } finally {
          deleteQuietly(work);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the kit cache " + target, e);
      }
    }
    // A zip holds the kit at its root or in one top folder.
    if (Files.exists(target.resolve("spec.yaml")) || Files.exists(target.resolve("spec.yml"))) {
      return target;
    }
    try (Stream<Path> children = Files.list(target)) {
      var dirs = children.filter(Files::isDirectory).toList();
      return dirs.size() == 1 ? dirs.get(0) : target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void unzip(Path zip, String shown, Path out) throws IOException {
    long total = 0;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        String name = entry.getName();
        if (!Artifacts.validRelative(name.endsWith("/") ? name.substring(0, name.length() - 1)
            : name)) {
          throw error(shown, "zip entry '" + name + "' is absolute or leaves the kit (path"
              + " traversal)", "rebuild the zip from the kit directory (sbx kit pack)");
        }
        Path file = out.resolve(name).normalize();
        if (!file.startsWith(out)) {
          throw error(shown, "zip entry '" + name + "' leaves the kit (path traversal)", null);
        }
        if (entry.isDirectory()) {
          Files.createDirectories(file);
          continue;
        }
        Files.createDirectories(file.getParent());
        byte[] buffer = new byte[8192];
        try (var os = Files.newOutputStream(file)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > MAX_UNPACKED_BYTES) {
              throw error(shown, "zip unpacks to more than " + MAX_UNPACKED_BYTES + " bytes",
                  "kits are small; is this the right file?");
            }
            os.write(buffer, 0, n);
          }
        }
      }
    }
  }

  private static ManifestException error(String ref, String message, String hint) {
    return new ManifestException(new Problem(new dev.sbx.schemas.model.SourceFile(Path.of("."),
        ref), null, "", message, hint));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Best-effort cleanup of a temporary fetch directory: JGit may still be writing gc files into
   * it from a background thread, and a leftover dot-directory in the cache harms nothing.
   */
  private static void deleteQuietly(Path root) {
    for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
      try {
        deleteTree(root);
      } catch (IOException | UncheckedIOException e) {
        Thread.onSpinWait();
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

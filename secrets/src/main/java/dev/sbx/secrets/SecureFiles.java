package dev.sbx.secrets;

import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Owner-only files and directories, written atomically: a 0600 temp file in the same directory,
 * fsync, rename over the target, fsync the directory. A crash leaves either the old or the new file.
 */
public final class SecureFiles {

  static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecureFiles() {}

  /** Creates {@code dir} (and parents) if needed and makes it 0700. */
  public static void ensurePrivateDir(Path dir) {
    try {
      Files.createDirectories(dir);
      if (isPosix(dir)) {
        Files.setPosixFilePermissions(dir, OWNER_RWX);
      }
    } catch (IOException e) {
      throw new SecretsException(Problem.IO, dir, "cannot create directory: " + e.getMessage(),
          "check that the parent directory is writable by you", e);
    }
  }

  /** Replaces {@code target} with {@code bytes} atomically; the new file is 0600. */
  public static void writeAtomically(Path target, byte[] bytes) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes(6)));
    try {
      try (FileChannel ch = isPosix(dir)
          ? FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(OWNER_RW))
          : FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IllegalStateException("atomic rename not supported in " + dir, e);
      }
      fsyncDir(dir);
    } catch (IOException e) {
      throw new SecretsException(Problem.IO, target, "cannot write: " + e.getMessage(),
          "check free disk space and that the directory is writable by you", e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: the temp file holds only ciphertext or is empty
      }
    }
  }

  /** Creates {@code target} with {@code bytes} (0600), failing if it exists. */
  public static void createExclusively(Path target, byte[] bytes) {
    try {
      if (Files.exists(target)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      writeAtomically(target, bytes);
    } catch (FileAlreadyExistsException e) {
      throw new SecretsException(Problem.IO, target, "already exists", "remove it only if you mean to lose what it protects");
    }
  }

  /** Refuses a file that group or others can read or write (like ssh does with keys). */
  public static void requireOwnerOnly(Path file) {
    if (!isPosix(file)) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (!OWNER_RW.contains(p) && p != PosixFilePermission.OWNER_EXECUTE) {
          throw new SecretsException(Problem.KEY_UNAVAILABLE, file,
              "permissions " + PosixFilePermissions.toString(perms) + " are too open for a key file",
              "run: chmod 600 " + file);
        }
      }
    } catch (IOException e) {
      throw new SecretsException(Problem.IO, file, "cannot read permissions: " + e.getMessage(), "check the file exists", e);
    }
  }

  static boolean isPosix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse fsync on a directory; the rename itself is still atomic.
    }
  }
}

package dev.sbx.secrets.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A user error of the secret store: what went wrong, which file, and what to do. It never carries
 * a secret value. Bugs are {@link IllegalStateException}s instead.
 */
public final class SecretsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What kind of problem, so callers (and {@code sbx doctor}) can react without parsing text. */
  public enum Problem {
    /** The key does not open the store: a different key file, or the keyring entry was replaced. */
    WRONG_KEY,
    /** The key cannot be read at all: keyring gone or locked, key file missing or too open. */
    KEY_UNAVAILABLE,
    /** The store file is damaged or truncated. */
    CORRUPT,
    /** The store was written by a newer sbx with a format this one does not know. */
    NEWER_VERSION,
    /** Invalid input from the user (names, hosts, placeholders, values). */
    BAD_INPUT,
    /** The store or key file could not be read or written (permissions, disk full). */
    IO
  }

  private final Problem problem;
  private final Path file;
  private final String hint;

  public SecretsException(Problem problem, Path file, String message, String hint) {
    super(compose(file, message, hint));
    this.problem = Objects.requireNonNull(problem, "problem");
    this.file = file;
    this.hint = Objects.requireNonNull(hint, "hint");
  }

  public SecretsException(Problem problem, Path file, String message, String hint, Throwable cause) {
    this(problem, file, message, hint);
    initCause(cause);
  }

  private static String compose(Path file, String message, String hint) {
    return (file == null ? "" : file + ": ") + message + "\n  hint: " + hint;
  }

  public Problem problem() {
    return problem;
  }

  /** The file concerned, or null when the problem is not about a file. */
  public Path file() {
    return file;
  }

  public String hint() {
    return hint;
  }
}

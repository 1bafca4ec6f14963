package dev.sbx.vm.image.oci;

import java.util.Objects;

/**
 * Pulling or unpacking an image failed. {@link Kind} tells the caller what to do: the user can fix
 * {@code INVALID_REFERENCE}, {@code NOT_FOUND}, {@code UNAUTHORIZED} and {@code NO_MATCHING_PLATFORM};
 * {@code DIGEST_MISMATCH} and {@code UNSAFE_LAYER} mean the registry served content that was refused
 * (nothing of it was kept); {@code UNSUPPORTED} names a format sbx does not read (zstd layers, schema 1
 * manifests); {@code IO} (network, registry 5xx) is worth a retry. Messages never carry credentials
 * or tokens.
 */
public final class OciException extends RuntimeException {

  public enum Kind {
    INVALID_REFERENCE(false),
    NOT_FOUND(false),
    UNAUTHORIZED(false),
    NO_MATCHING_PLATFORM(false),
    DIGEST_MISMATCH(false),
    UNSAFE_LAYER(false),
    UNSUPPORTED(false),
    IO(true);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;

  public OciException(Kind kind, String message) {
    this(kind, message, null);
  }

  public OciException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }

  public boolean retryable() {
    return kind.retryable();
  }
}

package dev.sbx.vm.image.store;

/**
 * A failure of an image operation. {@code NOT_FOUND}, {@code IN_USE} and {@code INVALID} are the
 * user's to fix (the message says how); {@code ENVIRONMENT} is a missing tool or permission;
 * {@code IO} a failed read or write.
 */
public final class ImageException extends RuntimeException {
  public enum Kind { NOT_FOUND, IN_USE, INVALID, ENVIRONMENT, IO }

  private final Kind kind;

  public ImageException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ImageException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

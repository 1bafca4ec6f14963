package dev.sbx.reconciler.source;

import java.util.Objects;

/**
 * A fetch failed. {@code reason} is a short CamelCase word for status conditions (like Flux's
 * {@code GitOperationFailed}); the message says what and never holds a credential.
 */
public final class SourceException extends Exception {
  private final String reason;

  public SourceException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public SourceException(String reason, String message) {
    this(reason, message, null);
  }

  /** {@code FetchFailed}, {@code RevisionNotFound}, {@code SubdirectoryNotFound}, {@code CheckoutFailed}, ... */
  public String reason() {
    return reason;
  }
}

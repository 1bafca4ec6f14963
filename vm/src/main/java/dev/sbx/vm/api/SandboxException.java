package dev.sbx.vm.api;

import java.util.Objects;

/**
 * A runtime operation failed. {@link Kind} tells the caller what to do: a user can fix
 * {@code NOT_FOUND}/{@code ALREADY_EXISTS}/{@code INVALID}; {@code ENVIRONMENT} means a missing
 * tool or hypervisor (exit code 5); {@code BOOT_FAILED} and {@code IO} are worth a retry;
 * {@code GUEST_FAILED} reports what the guest said (a failed startup command, a refused configure).
 */
public final class SandboxException extends RuntimeException {

  public enum Kind {
    NOT_FOUND(false),
    ALREADY_EXISTS(false),
    INVALID(false),
    ENVIRONMENT(false),
    BOOT_FAILED(true),
    GUEST_FAILED(false),
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
  private final String sandbox;

  public SandboxException(Kind kind, String sandbox, String message) {
    this(kind, sandbox, message, null);
  }

  public SandboxException(Kind kind, String sandbox, String message, Throwable cause) {
    super(sandbox == null ? message : "sandbox " + sandbox + ": " + message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.sandbox = sandbox;
  }

  public Kind kind() {
    return kind;
  }

  /** The sandbox concerned, or {@code null} for a runtime-wide problem. */
  public String sandbox() {
    return sandbox;
  }

  public boolean retryable() {
    return kind.retryable();
  }

  public static SandboxException notFound(String name) {
    return new SandboxException(Kind.NOT_FOUND, name, "no such sandbox (see `sbx ls`)");
  }
}

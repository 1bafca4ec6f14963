package dev.sbx.egress.tls;

import java.nio.file.Path;

/** A user error in the interception setup (CA files): which file, what is wrong, what to do. */
public final class TlsSetupException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final String hint;

  public TlsSetupException(Path file, String message, String hint) {
    super(file + ": " + message + "\n  hint: " + hint);
    this.file = file;
    this.hint = hint;
  }

  public Path file() {
    return file;
  }

  public String hint() {
    return hint;
  }
}

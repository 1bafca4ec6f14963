package dev.sbx.reconciler.daemon;

/** The daemon cannot run: its state directory is held by another daemon (exit 4) or unusable (5). */
public final class DaemonException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public DaemonException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}

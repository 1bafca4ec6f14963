package dev.sbx.reconciler.gitops;

/** A GitOps request the user got wrong (unknown source, conflicting name, ...): the HTTP status says which. */
public final class GitOpsException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public GitOpsException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}

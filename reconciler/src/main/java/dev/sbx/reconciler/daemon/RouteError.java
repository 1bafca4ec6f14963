package dev.sbx.reconciler.daemon;

/**
 * A request the policy and create routes refuse: HTTP status plus the kind the CLI maps to an exit
 * code ({@code NOT_FOUND}/{@code INVALID} → 2, {@code ENVIRONMENT} → 5), as the sandbox routes do.
 */
final class RouteError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String kind;

  RouteError(int status, String kind, String message) {
    super(message);
    this.status = status;
    this.kind = kind;
  }

  static RouteError invalid(String message) {
    return new RouteError(400, "INVALID", message);
  }

  static RouteError notFound(String message) {
    return new RouteError(404, "NOT_FOUND", message);
  }

  int status() {
    return status;
  }

  String kind() {
    return kind;
  }
}

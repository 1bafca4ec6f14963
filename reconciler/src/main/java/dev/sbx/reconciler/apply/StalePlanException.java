package dev.sbx.reconciler.apply;

/**
 * A saved plan no longer matches the world or the state inventory; applying it would not do what
 * was reviewed. Nothing was changed. The CLI maps this to exit code 2 (invalid input).
 */
public final class StalePlanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StalePlanException(String planned, String observed) {
    super("saved plan is stale: the sandboxes or the state changed since it was made (planned against "
        + shortHash(planned) + ", now " + shortHash(observed) + "); make a new plan with 'sbx plan -o plan.json'");
  }

  private static String shortHash(String h) {
    return h.length() > 19 ? h.substring(0, 19) : h;
  }
}

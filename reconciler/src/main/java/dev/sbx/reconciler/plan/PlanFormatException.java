package dev.sbx.reconciler.plan;

/** A saved plan file cannot be used: not a plan, another format version, or edited by hand. */
public final class PlanFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PlanFormatException(String message) {
    super(message + " (make a new plan with 'sbx plan -o plan.json')");
  }
}

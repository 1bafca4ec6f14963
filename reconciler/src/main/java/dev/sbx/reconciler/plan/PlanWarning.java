package dev.sbx.reconciler.plan;

import java.util.Objects;

/** Something the user should know that is not a change; {@code sandbox} is empty for plan-wide ones. */
public record PlanWarning(String sandbox, String message) {
  public PlanWarning {
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(message, "message");
  }
}

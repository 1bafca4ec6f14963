package dev.sbx.reconciler.apply;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.plan.Plan;
import java.util.Objects;
import java.util.List;

/**
 * The outcome of an apply, per sandbox, with the plan that was applied. The CLI maps it to an exit code: all succeeded → 0; any
 * failure of kind {@code ENVIRONMENT} → 5; any other failure → 3 (partial apply failure).
 */
public record ApplyResult(Plan plan, List<SandboxResult> results) {
  public ApplyResult {
    Objects.requireNonNull(plan, "plan");
    results = List.copyOf(results);
  }

  public boolean succeeded() {
    return failures().isEmpty();
  }

  public List<SandboxResult> failures() {
    return results.stream().filter(r -> r.status() == SandboxResult.Status.FAILED).toList();
  }

  /** True when a failure was an environment problem (no hypervisor, missing tool). */
  public boolean environmentProblem() {
    return failures().stream().anyMatch(r -> r.failureKind().orElse(null) == ActuatorException.Kind.ENVIRONMENT);
  }

  /** The exit code of DESIGN.md §5 for this result: 0, 3 or 5. */
  public int exitCode() {
    if (succeeded()) {
      return 0;
    }
    return environmentProblem() ? 5 : 3;
  }
}

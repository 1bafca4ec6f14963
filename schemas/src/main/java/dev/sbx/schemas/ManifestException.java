package dev.sbx.schemas;

import dev.sbx.schemas.model.Problem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one user-error type of this module: the input is wrong, and each {@link Problem} says
 * where (file:line:column, JSON pointer) and how to fix it. Bugs are {@link
 * IllegalStateException}s, never this.
 */
public final class ManifestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public ManifestException(List<Problem> problems) {
    super(summary(problems), null, false, false);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ManifestException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public ManifestException(Problem problem) {
    this(List.of(problem));
  }

  /** Every problem found, in file order; never empty. */
  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    return problems.stream().map(Problem::headline).collect(Collectors.joining("\n"));
  }
}

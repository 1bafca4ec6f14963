package dev.sbx.reconciler.daemon;

import java.util.Objects;

/**
 * What one request to the daemon gave: the exit code of DESIGN.md §5 and the text the CLI prints
 * (stdout: the plan or the result; stderr: progress, warnings and errors).
 */
public record Outcome(int exitCode, String stdout, String stderr) {
  public Outcome {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }
}

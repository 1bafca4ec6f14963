package dev.sbx.cli;

import java.util.List;

/** A user or environment error raised by a command: one message, a documented exit code. */
final class CliFailure extends RuntimeException implements UserError {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  CliFailure(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  @Override
  public List<String> userMessages() {
    return List.of("sbx: " + getMessage());
  }

  @Override
  public int exitCode() {
    return exitCode;
  }
}

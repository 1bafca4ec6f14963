package dev.sbx.cli;

import java.util.List;

/**
 * An error caused by the user's input or environment, not by a bug: the CLI prints its lines
 * (no stack trace unless {@code --debug}) and exits with its code. Exceptions of any module can
 * implement it; {@link ErrorHandler} also adapts the schemas module's ManifestException.
 */
public interface UserError {
  /** One line per problem, each ideally {@code FILE:LINE:COL: message} plus indented hints. */
  List<String> userMessages();

  /** The documented exit code: 2 invalid input, 4 lock held, 5 environment problem, ... */
  default int exitCode() {
    return ExitCodes.INVALID_INPUT;
  }
}

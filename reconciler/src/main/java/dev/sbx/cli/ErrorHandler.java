package dev.sbx.cli;

import dev.sbx.egress.tls.TlsSetupException;
import dev.sbx.schemas.ManifestException;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.schemas.model.Problem;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one boundary where exceptions become exit codes: user errors print their lines and exit
 * with their code (2 for invalid input), anything else is a bug: one line, exit 70, and the
 * stack trace only with {@code --debug} (or SBX_DEBUG=1).
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    Optional<UserError> user = asUserError(ex);
    if (user.isPresent()) {
      user.get().userMessages().forEach(err::println);
      if (debug(parseResult)) {
        ex.printStackTrace(err);
      }
      err.flush();
      return user.get().exitCode();
    }
    err.println("sbx: internal error (a bug in sbx): " + ex);
    if (debug(parseResult)) {
      ex.printStackTrace(err);
    } else {
      err.println("    rerun with --debug for the stack trace");
    }
    err.flush();
    return ExitCodes.INTERNAL;
  }

  /** A UserError, or a known user-error type of another module adapted to one. */
  static Optional<UserError> asUserError(Throwable ex) {
    if (ex instanceof UserError u) {
      return Optional.of(u);
    }
    if (ex instanceof ManifestException m) {
      return Optional.of(() -> render(m.problems()));
    }
    if (ex instanceof SecretsException s) {
      // A missing/unreachable key or an unwritable store is the environment; the rest is input.
      boolean environment = s.problem() == SecretsException.Problem.KEY_UNAVAILABLE
          || s.problem() == SecretsException.Problem.IO;
      return Optional.of(userError(s.getMessage(), environment ? ExitCodes.ENVIRONMENT : ExitCodes.INVALID_INPUT));
    }
    if (ex instanceof TlsSetupException t) {
      return Optional.of(userError(t.getMessage(), ExitCodes.INVALID_INPUT));
    }
    return Optional.empty();
  }

  private static UserError userError(String message, int code) {
    return new UserError() {
      @Override
      public List<String> userMessages() {
        return List.of("sbx: " + message);
      }

      @Override
      public int exitCode() {
        return code;
      }
    };
  }

  static List<String> render(List<Problem> problems) {
    return problems.stream().map(Problem::render).toList();
  }

  private static boolean debug(ParseResult parseResult) {
    if ("1".equals(System.getenv("SBX_DEBUG"))) {
      return true;
    }
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }
}

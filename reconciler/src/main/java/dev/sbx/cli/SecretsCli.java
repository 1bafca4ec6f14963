package dev.sbx.cli;

import dev.sbx.egress.tls.TlsSetupException;
import dev.sbx.secrets.api.SecretsException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * Runs a secret/egress command body and turns this area's user errors into one message and an exit
 * code (2 invalid input or damaged store, 5 key backend/environment), never a stack trace. The
 * messages never contain a secret value (the store guarantees it).
 */
final class SecretsCli {

  private SecretsCli() {}

  static int run(CommandLine cli, Callable<Integer> body) throws Exception {
    PrintWriter err = cli.getErr();
    try {
      return body.call();
    } catch (SecretsException e) {
      err.println("sbx: " + e.getMessage());
      err.flush();
      return switch (e.problem()) {
        case KEY_UNAVAILABLE, IO -> 5;
        default -> 2;
      };
    } catch (TlsSetupException e) {
      err.println("sbx: " + e.getMessage());
      err.flush();
      return 2;
    }
  }
}

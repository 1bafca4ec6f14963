package dev.sbx.cli;

import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretsException;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code [-g | SANDBOX]} part of the secret commands. */
final class SecretScope {

  @Option(names = {"-g", "--global"}, description = "Global secret, available to every sandbox")
  boolean global;

  /**
   * Splits the positional arguments into scope and the rest: with {@code -g} all are the rest,
   * otherwise the first is the sandbox name.
   */
  Scope scope(List<String> positionals, int restCount, String usage) {
    int expected = global ? restCount : restCount + 1;
    if (positionals.size() != expected) {
      throw new SecretsException(SecretsException.Problem.BAD_INPUT, null,
          global ? "too many arguments" : "name a sandbox or use -g for a global secret",
          "usage: " + usage);
    }
    return global ? Scope.global() : Scope.sandbox(positionals.get(0));
  }

  List<String> rest(List<String> positionals) {
    return global ? positionals : positionals.subList(1, positionals.size());
  }
}

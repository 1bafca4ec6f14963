package dev.sbx.cli;

import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.api.CustomSecretSpec;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretValue;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx secret set-custom [-g | SANDBOX] --host H [--host H2] --env NAME [--placeholder P]}:
 * prints the placeholder the sandbox will see in NAME.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  printf %%s \"$KEY\" | sbx secret set-custom -g --env API_KEY --host example.com",
        "  sbx secret set-custom api-dev --env MY_TOKEN --host example.com"},
    name = "set-custom", mixinStandardHelpOptions = true,
    description = {"Store a custom secret: the sandbox sees a placeholder in --env, and the proxy replaces it with the",
        "real value (read from stdin or prompted) only in requests to the --host hosts. Prints the placeholder."})
public final class SecretSetCustomCommand implements Callable<Integer> {

  static final String USAGE = "sbx secret set-custom [-g | SANDBOX] --host H [--host H2] --env NAME [--placeholder P]";

  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;
  @Mixin SecretScope scope;

  @Parameters(arity = "0..1", paramLabel = "SANDBOX")
  List<String> args = List.of();

  @Option(names = "--host", required = true, paramLabel = "H",
      description = "Host the value may be sent to: exact, IP, *.x (one label) or **.x (any depth); repeatable")
  List<String> hosts;

  @Option(names = "--env", required = true, paramLabel = "NAME", description = "Environment variable holding the placeholder")
  String env;

  @Option(names = "--placeholder", paramLabel = "P", description = "Placeholder pattern with {rand} (default sbx-cs-{rand})")
  String placeholder;

  @Override
  public Integer call() throws Exception {
    Scope s = scope.scope(args == null ? List.of() : args, 0, USAGE);
    SecretEntry entry;
    try (SecretValue value = SecretSetCommand.readValue("Secret for " + env + ": ")) {
      entry = Secrets.open(locations.secretsDir())
          .setCustom(s, new CustomSecretSpec(env, hosts, Optional.ofNullable(placeholder)), value);
    }
    spec.commandLine().getOut().println(entry.placeholder());
    return 0;
  }
}

package dev.sbx.cli;

import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretsException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx secret rm [-g | SANDBOX] NAME} or {@code --placeholder P}. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx secret rm -g github",
        "  sbx secret rm api-dev MY_TOKEN"},
    name = "rm", mixinStandardHelpOptions = true,
    description = "Remove a secret: a service id, a custom secret's env var name, or the custom secret with --placeholder.")
public final class SecretRmCommand implements Callable<Integer> {

  static final String USAGE = "sbx secret rm [-g | SANDBOX] NAME   or   sbx secret rm [-g | SANDBOX] --placeholder P";

  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;
  @Mixin SecretScope scope;

  @Parameters(arity = "0..2", paramLabel = "[SANDBOX] NAME")
  List<String> args = List.of();

  @Option(names = "--placeholder", paramLabel = "P", description = "Remove the custom secret with this placeholder")
  String placeholder;

  @Override
  public Integer call() throws Exception {
    List<String> positionals = args == null ? List.of() : args;
    Scope s = scope.scope(positionals, placeholder == null ? 1 : 0, USAGE);
    SecretStore store = Secrets.open(locations.secretsDir());
    String name;
    if (placeholder != null) {
      name = store.list().stream().filter(e -> e.scope().equals(s) && e.placeholder().equals(placeholder))
          .map(SecretEntry::name).findFirst().orElse(null);
    } else {
      name = scope.rest(positionals).get(0);
    }
    if (name == null || !store.remove(s, name)) {
      throw new SecretsException(SecretsException.Problem.BAD_INPUT, null,
          "no secret " + (name == null ? "with that placeholder" : "'" + name + "'") + " in " + s,
          "see what is stored with `sbx secret ls`");
    }
    spec.commandLine().getOut().println("removed " + name + " from " + s);
    return 0;
  }
}

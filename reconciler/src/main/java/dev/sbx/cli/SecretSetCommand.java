package dev.sbx.cli;

import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretValue;
import dev.sbx.secrets.api.SecretsException;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx secret set [-g | SANDBOX] SERVICE}: the value comes from stdin or a no-echo prompt. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  printf %%s \"$TOKEN\" | sbx secret set -g github",
        "  sbx secret set api-dev anthropic          # prompts without echo"},
    name = "set", mixinStandardHelpOptions = true,
    description = {"Store the secret of a service (anthropic, openai, github, ... or a kit's service id).",
        "The value is read from stdin (printf %%s \"$TOKEN\" | sbx secret set -g github), or prompted for without echo."})
public final class SecretSetCommand implements Callable<Integer> {

  static final String USAGE = "sbx secret set [-g | SANDBOX] SERVICE";
  static final int MAX_VALUE = 64 * 1024;

  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;
  @Mixin SecretScope scope;

  @Parameters(arity = "1..2", paramLabel = "[SANDBOX] SERVICE")
  List<String> args;

  @Override
  public Integer call() throws Exception {
    Scope s = scope.scope(args, 1, USAGE);
    String service = scope.rest(args).get(0);
    SecretStore store = Secrets.open(locations.secretsDir());
    try (SecretValue value = readValue("Secret for " + service + ": ")) {
      store.setService(s, service, value);
    }
    spec.commandLine().getOut().println("stored " + service + " secret in " + s + " (key: "
        + store.keySource().backend() + ")");
    return 0;
  }

  /** A no-echo prompt on a terminal, else all of stdin minus one trailing newline. */
  static SecretValue readValue(String prompt) throws IOException {
    // JDK 17: System.console() is non-null only when stdin and stdout are both a terminal.
    Console console = System.console();
    if (console != null) {
      char[] chars = console.readPassword("%s", prompt);
      try {
        return SecretValue.ofChars(chars == null ? new char[0] : chars);
      } finally {
        if (chars != null) {
          Arrays.fill(chars, '\0');
        }
      }
    }
    byte[] bytes = readAll(System.in);
    try {
      int end = bytes.length;
      if (end > 0 && bytes[end - 1] == '\n') {
        end--;
        if (end > 0 && bytes[end - 1] == '\r') {
          end--;
        }
      }
      return SecretValue.ofUtf8(Arrays.copyOf(bytes, end));
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_VALUE + 1);
    if (bytes.length > MAX_VALUE) {
      Arrays.fill(bytes, (byte) 0);
      throw new SecretsException(SecretsException.Problem.BAD_INPUT, null,
          "the secret value on stdin is longer than " + (MAX_VALUE / 1024) + " KiB",
          "pass only the token itself on stdin");
    }
    return bytes;
  }
}

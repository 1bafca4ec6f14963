package dev.sbx.cli;

import dev.sbx.cli.output.OutputFormatOption;
import dev.sbx.cli.output.Table;
import dev.sbx.reconciler.daemon.ApiTokens;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx daemon token create NAME [--read-only] | ls [-o json] | revoke NAME}: the bearer tokens
 * of the remote API ({@code sbx daemon --listen}), kept hashed in {@code STATE/api-tokens.json}. A
 * running daemon sees changes at once.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx daemon token create ci --read-only > ci.token   # may only diff and read",
        "  sbx daemon token ls",
        "  sbx daemon token revoke ci"},
    name = "token", mixinStandardHelpOptions = true,
    description = {"Manage the bearer tokens of the daemon's remote API (sbx daemon --listen).",
        "Tokens are stored as SHA-256 hashes in STATE/api-tokens.json (0600); the value is shown once."},
    subcommands = {DaemonTokenCommand.Create.class, DaemonTokenCommand.Ls.class, DaemonTokenCommand.Revoke.class})
public final class DaemonTokenCommand {

  @Command(footerHeading = "%nExamples:%n",
      footer = {
          "  sbx daemon token create ci --read-only > ci.token   # CI secret SBX_TOKEN",
          "  sbx daemon token create admin"},
      name = "create", mixinStandardHelpOptions = true,
      description = "Make a token and print it once on stdout (store it, e.g. as the CI secret SBX_TOKEN).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SbxLocations locations;

    @Parameters(paramLabel = "NAME", description = "A name to tell tokens apart (a-z 0-9 . _ -).")
    String name;

    @Option(names = "--read-only", description = "May only read: GET routes and POST /v1/plan (sbx diff/plan --host).")
    boolean readOnly;

    @Override
    public Integer call() {
      ApiTokens tokens = new ApiTokens(locations.daemonStateDir());
      ApiTokens.Created created;
      try {
        created = tokens.create(name, readOnly);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(e.getMessage(), ExitCodes.INVALID_INPUT);
      } catch (UncheckedIOException e) {
        throw new CliFailure(e.getMessage() + ": " + e.getCause().getMessage(), ExitCodes.ENVIRONMENT);
      }
      spec.commandLine().getOut().println(created.secret());
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().println("Created " + (readOnly ? "read-only " : "") + "token '" + name
          + "' in " + tokens.file() + ". It is shown only now; revoke it with: sbx daemon token revoke " + name);
      return ExitCodes.OK;
    }
  }

  @Command(footerHeading = "%nExamples:%n",
      footer = {"  sbx daemon token ls", "  sbx daemon token ls -o json"},
      name = "ls", mixinStandardHelpOptions = true, description = "List the tokens (names and scopes, never values).")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SbxLocations locations;

    @Mixin OutputFormatOption output;

    @Override
    public Integer call() {
      var list = new ApiTokens(locations.daemonStateDir()).list();
      var json = tools.jackson.databind.json.JsonMapper.shared().createArrayNode();
      list.forEach(t -> json.addObject().put("name", t.name()).put("scope", t.readOnly() ? "read-only" : "full")
          .put("created", t.created().toString()));
      output.print(json, () -> {
        Table table = Table.withHeader("NAME", "SCOPE", "CREATED");
        list.forEach(t -> table.row(t.name(), t.readOnly() ? "read-only" : "full", t.created()));
        return table;
      });
      return ExitCodes.OK;
    }
  }

  @Command(footerHeading = "%nExamples:%n",
      footer = {"  sbx daemon token revoke ci"},
      name = "revoke", mixinStandardHelpOptions = true, description = "Delete a token; clients using it get 401 at once.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SbxLocations locations;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      if (!new ApiTokens(locations.daemonStateDir()).revoke(name)) {
        throw new CliFailure("no token named '" + name + "'; see sbx daemon token ls", ExitCodes.INVALID_INPUT);
      }
      spec.commandLine().getOut().println("revoked token '" + name + "'");
      return ExitCodes.OK;
    }
  }
}

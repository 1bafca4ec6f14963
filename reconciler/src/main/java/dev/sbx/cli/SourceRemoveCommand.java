package dev.sbx.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code sbx source rm NAME [--prune]}. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source rm fleet          # its sandboxes keep running",
        "  sbx source rm fleet --prune  # and deletes them"},
    name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
    description = {"Stop following a source. Its sandboxes keep running unless --prune, which deletes every",
        "sandbox the source created (as Flux garbage-collects a deleted Kustomization)."})
public final class SourceRemoveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(names = "--prune", description = "Also delete the sandboxes this source created.")
  boolean prune;

  @Override
  public Integer call() {
    JsonNode r = GitOpsCli.connect(locations).call("DELETE", "/v1/sources/" + name + (prune ? "?prune=true" : ""), "");
    var out = spec.commandLine().getOut();
    out.println("source " + name + " removed");
    r.path("pruned").forEach(s -> out.println("  deleted sandbox " + s.asString()));
    return ExitCodes.OK;
  }
}

package dev.sbx.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code sbx source add dir NAME --path DIR [--interval 5m]}. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source add dir local --path ./gitops",
        "  sbx source add dir local --path ./gitops --interval 1m   # resync every minute"},
    name = "dir", mixinStandardHelpOptions = true,
    description = {"Watch a local directory of manifests: every change (debounced 200 ms) is applied,",
        "and every --interval the daemon re-checks and corrects drift."})
public final class SourceAddDirCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Parameters(index = "0", paramLabel = "NAME", description = "Source name (lower-case letters, digits, '-').")
  String name;

  @Option(names = "--path", required = true, paramLabel = "DIR", description = "The GitOps directory.")
  Path path;

  @Option(names = "--interval", defaultValue = "5m", paramLabel = "DURATION",
      description = "Resync (drift check) interval: 30s, 5m, 1h (default ${DEFAULT-VALUE}).")
  String interval;

  @Override
  public Integer call() {
    var body = JsonMapper.shared().createObjectNode().put("name", name).put("kind", "dir")
        .put("path", path.toAbsolutePath().normalize().toString()).put("interval", interval);
    var added = GitOpsCli.connect(locations).call("POST", "/v1/sources", body.toString());
    spec.commandLine().getOut().println("source " + name + " added: dir " + GitOpsCli.text(added, "path"));
    return ExitCodes.OK;
  }
}

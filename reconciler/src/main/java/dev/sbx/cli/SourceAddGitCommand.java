package dev.sbx.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sbx source add git NAME --url URL [--ref REF] [--path SUBDIR] [--interval 1m] [--secret S]
 * [--webhook-secret-from S]}.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source add git fleet --url https://github.com/org/fleet.git --path gitops",
        "  sbx source add git fleet --url https://github.com/org/fleet.git --ref tag:v1",
        "  sbx source add git fleet --url URL --secret github --webhook-secret-from hook"},
    name = "git", mixinStandardHelpOptions = true,
    description = {"Follow a git repository (https, ssh, git@host:path, file URLs): fetched every --interval",
        "(±10 %% jitter), at once on a webhook (POST /v1/hooks/git/NAME) or sbx source reconcile NAME."})
public final class SourceAddGitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Parameters(index = "0", paramLabel = "NAME", description = "Source name (lower-case letters, digits, '-').")
  String name;

  @Option(names = "--url", required = true, paramLabel = "URL", description = "Repository URL.")
  String url;

  @Option(names = "--ref", defaultValue = "main", paramLabel = "REF",
      description = "Branch (main, branch:main), tag (tag:v1, refs/tags/v1) or commit (a full id). Default: main.")
  String ref;

  @Option(names = "--path", defaultValue = "", paramLabel = "SUBDIR",
      description = "Subdirectory of the repository holding the manifests (default: the root).")
  String path;

  @Option(names = "--interval", defaultValue = "1m", paramLabel = "DURATION",
      description = "Poll interval: 30s, 1m, 1h (default ${DEFAULT-VALUE}).")
  String interval;

  @Option(names = "--secret", paramLabel = "SECRET",
      description = {"Name of a stored secret (sbx secret set -g SECRET) with https credentials: a token,",
          "or USER:TOKEN. Read at each fetch; never logged."})
  String secret;

  @Option(names = "--webhook-secret-from", paramLabel = "SECRET",
      description = "Name of a stored secret holding the webhook's HMAC key (GitHub's webhook secret).")
  String webhookSecret;

  @Override
  public Integer call() {
    var body = JsonMapper.shared().createObjectNode().put("name", name).put("kind", "git").put("url", url)
        .put("ref", ref).put("subdirectory", path).put("interval", interval).put("secret", secret)
        .put("webhookSecret", webhookSecret);
    GitOpsCli.connect(locations).call("POST", "/v1/sources", body.toString());
    var out = spec.commandLine().getOut();
    out.println("source " + name + " added: git " + url + " ref " + ref + (path.isEmpty() ? "" : " path " + path));
    if (webhookSecret != null) {
      out.println("webhook: POST /v1/hooks/git/" + name + " (content type application/json, secret from "
          + webhookSecret + ")");
    }
    return ExitCodes.OK;
  }
}

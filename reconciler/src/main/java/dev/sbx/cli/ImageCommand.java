package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx image ls|pull|build|rm|prune}: the images sandboxes boot from. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx image build debian --suite bookworm --packages git,python3",
        "  sbx image pull localhost:5000/team/agent:1",
        "  sbx image ls -o json",
        "  sbx image rm debian:bookworm-git-python3",
        "  sbx image prune"},
    name = "image", description = "Manage sandbox images (base disks sandboxes boot from).",
    subcommands = {
        ImageLsCommand.class,
        ImagePullCommand.class,
        ImageBuildCommand.class,
        ImageRmCommand.class,
        ImagePruneCommand.class,
    })
final class ImageCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

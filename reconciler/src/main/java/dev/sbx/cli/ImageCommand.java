package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx image ls|pull|build|rm|prune}: the images sandboxes boot from. */
@Command(name = "image", description = "Manage sandbox images (base disks sandboxes boot from).",
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

package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx image build KIND ...}: builds an image without a registry; {@code debian} for now. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx image build debian --suite bookworm --packages git,python3 --tag team/dev"},
    name = "build", description = "Build an image locally.", subcommands = {
    ImageBuildDebianCommand.class,
})
final class ImageBuildCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

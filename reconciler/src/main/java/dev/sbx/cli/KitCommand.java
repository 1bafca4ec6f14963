package dev.sbx.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sbx kit}: work with kit directories (validate, render). */
@Command(
    footerHeading = "%nExamples:%n",
    footer = {
        "  sbx kit validate ./kits/rust",
        "  sbx kit render ./kits/rust ./kits/node --agent claude"},
    name = "kit",
    mixinStandardHelpOptions = true,
    versionProvider = SbxVersion.class,
    description = "Validate and render kits (Docker Sandboxes spec.yaml directories).",
    subcommands = {CommandLine.HelpCommand.class, KitValidateCommand.class, KitRenderCommand.class})
final class KitCommand {}

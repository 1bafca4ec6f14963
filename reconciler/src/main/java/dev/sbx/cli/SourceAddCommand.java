package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx source add dir|git NAME ...}. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source add git fleet --url https://github.com/org/fleet.git --ref main",
        "  sbx source add dir local --path ./gitops"},
    name = "add", mixinStandardHelpOptions = true,
    description = "Add a source (or replace the one of that name); it is reconciled at once.",
    subcommands = {SourceAddDirCommand.class, SourceAddGitCommand.class})
public final class SourceAddCommand {}

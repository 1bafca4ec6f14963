package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx secret}: the encrypted secret store. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  printf %%s \"$TOKEN\" | sbx secret set -g github",
        "  sbx secret ls"},
    name = "secret", mixinStandardHelpOptions = true,
    description = "Manage stored secrets; sandboxes see only placeholders, the egress proxy injects the real values.",
    subcommands = {SecretSetCommand.class, SecretSetCustomCommand.class, SecretLsCommand.class, SecretRmCommand.class})
public final class SecretCommand {}

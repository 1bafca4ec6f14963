package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx egress}: the egress proxy. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx egress ca",
        "  sbx egress serve --policy policy.yaml --listen 127.0.0.1:3128"},
    name = "egress", mixinStandardHelpOptions = true, description = "The egress proxy and its interception CA.",
    subcommands = {EgressCaCommand.class, EgressServeCommand.class})
public final class EgressCommand {}

package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx egress}: the egress proxy. */
@Command(name = "egress", mixinStandardHelpOptions = true, description = "The egress proxy and its interception CA.",
    subcommands = {EgressCaCommand.class, EgressServeCommand.class})
public final class EgressCommand {}

package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx source add|ls|rm|suspend|resume|reconcile}: the GitOps sources the daemon keeps converged. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx source add git fleet --url https://github.com/org/fleet.git --path gitops",
        "  sbx source ls",
        "  sbx source reconcile fleet"},
    name = "source", mixinStandardHelpOptions = true,
    description = {"Manage GitOps sources: local directories and git repositories the daemon watches",
        "and keeps converged (like Flux's GitRepository + Kustomization). Configuration is kept in",
        "STATE/sources.json; the daemon starts every source when it starts."},
    subcommands = {
        SourceAddCommand.class,
        SourceListCommand.class,
        SourceRemoveCommand.class,
        SourceSuspendCommand.class,
        SourceResumeCommand.class,
        SourceReconcileCommand.class,
    })
public final class SourceCommand {}

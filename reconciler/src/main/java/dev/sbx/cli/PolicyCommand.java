package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx policy}: a sandbox's egress rules, changed by hand, and the proxy's decisions. */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Show and change sandboxes' egress rules; show the proxy's decisions.",
    footer = {"", "Examples:", "  sbx policy ls dev", "  sbx policy allow dev api.example.com:443 '*.crates.io'",
        "  sbx policy deny dev '**.pastebin.com'", "  sbx policy rm dev api.example.com:443",
        "  sbx policy set-default dev deny-all", "  sbx policy log dev --since 10m", "",
        "On a sandbox a GitOps source manages, a change here is drift: `sbx diff` shows",
        "it and, with drift: correct, the next apply reverts it. See docs/policy-cli.md."},
    subcommands = {PolicyLsCommand.class, PolicyAllowCommand.class, PolicyDenyCommand.class, PolicyRmCommand.class,
        PolicySetDefaultCommand.class, PolicyLogCommand.class})
public final class PolicyCommand {}

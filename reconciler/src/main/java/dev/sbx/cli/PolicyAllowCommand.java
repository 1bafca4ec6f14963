package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx policy allow SANDBOX RULE...}. */
@Command(name = "allow", mixinStandardHelpOptions = true, description = "Allow hosts for a sandbox (at once, no restart).",
    footerHeading = "%nExamples:%n",
    footer = {"  sbx policy allow dev api.example.com:443 '*.crates.io'", "  sbx policy allow network dev a.example.com,b.example.com", "", "Rules: example.com, *.example.com (one label), **.example.com (any depth),",
        "host:port, 10.0.0.0/8, 203.0.113.7:22, ** (everything); no port: every port."})
final class PolicyAllowCommand extends PolicyRuleCommand {
  @Override
  String action() {
    return "allow";
  }
}

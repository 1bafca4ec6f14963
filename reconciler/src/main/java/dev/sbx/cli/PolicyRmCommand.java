package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx policy rm SANDBOX RULE...}. */
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove allow or deny rules from a sandbox.",
    footerHeading = "%nExamples:%n",
    footer = {"  sbx policy rm dev api.example.com:443", "", "Rules: example.com, *.example.com (one label), **.example.com (any depth),",
        "host:port, 10.0.0.0/8, 203.0.113.7:22, ** (everything); no port: every port."})
final class PolicyRmCommand extends PolicyRuleCommand {
  @Override
  String action() {
    return "rm";
  }
}

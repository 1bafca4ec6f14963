package dev.sbx.cli;

import picocli.CommandLine.Command;

/** {@code sbx policy deny SANDBOX RULE...}. */
@Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny hosts for a sandbox (deny beats allow).",
    footerHeading = "%nExamples:%n",
    footer = {"  sbx policy deny dev '**.pastebin.com'", "  sbx policy deny dev 203.0.113.7", "", "Rules: example.com, *.example.com (one label), **.example.com (any depth),",
        "host:port, 10.0.0.0/8, 203.0.113.7:22, ** (everything); no port: every port."})
final class PolicyDenyCommand extends PolicyRuleCommand {
  @Override
  String action() {
    return "deny";
  }
}

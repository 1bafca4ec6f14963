package dev.sbx.cli;

import dev.sbx.egress.EgressServer;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.Rule;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.tls.CertificateAuthority;
import dev.sbx.egress.tls.InterceptionListener;
import dev.sbx.egress.tls.LeafCache;
import dev.sbx.egress.tls.TlsInterceptor;
import dev.sbx.egress.tls.UpstreamTls;
import dev.sbx.secrets.Secrets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sbx egress serve}: the egress proxy standalone, for any process
 * ({@code HTTPS_PROXY=http://127.0.0.1:3128}). With {@code --secrets}, CONNECTs to hosts bound to a
 * stored secret (built-in services and custom secrets) are TLS-intercepted and the credential is
 * injected; clients must trust the CA printed by {@code sbx egress ca}.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx egress serve --policy policy.yaml --listen 127.0.0.1:3128",
        "  sbx egress serve --policy policy.yaml --secrets --log decisions.jsonl"},
    name = "serve", mixinStandardHelpOptions = true,
    description = "Run the egress proxy standalone until interrupted; --secrets injects stored credentials.")
public final class EgressServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Listen address (default ${DEFAULT-VALUE})")
  String listen = "127.0.0.1:3128";

  @Option(names = "--policy", paramLabel = "FILE",
      description = "A file with one NetworkPolicy manifest (apiVersion: sbx/v1) whose rules the proxy enforces")
  Path policy;

  @Option(names = "--allow", paramLabel = "RULE",
      description = "Allow rule (host, *.x, **.x, host:port, CIDR); repeatable; added to --policy's allows")
  List<String> allow = List.of();

  @Option(names = {"--log", "--decision-log"}, paramLabel = "FILE",
      description = "Append one decision record per request as a JSON line to FILE")
  Path decisionLog;

  @Option(names = "--secrets", description = "Inject stored secrets into requests to their bound hosts (TLS interception)")
  boolean secrets;

  @Override
  public Integer call() throws Exception {
    try (EgressServer server = start()) {
      spec.commandLine().getOut().println("listening on " + server.address()
          + (secrets ? " (credential injection on; CA " + locations.egressCaDir().resolve(CertificateAuthority.CERT_FILE)
              + ")" : ""));
      spec.commandLine().getOut().flush();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      server.awaitClose();
    }
    return 0;
  }

  /** The policy file's rules (or deny-all without one) plus the {@code --allow} rules. */
  private RuleSet rules() {
    RuleSet base = policy == null ? RuleSet.allowing() : NetworkPolicyRules.load(policy);
    if (allow.isEmpty()) {
      return base;
    }
    List<Rule> allows = new ArrayList<>(base.allow());
    for (String text : allow) {
      allows.add(Rule.parse(text));
    }
    return new RuleSet(base.mode(), allows, base.deny());
  }

  /** Starts the configured server (the caller closes it). */
  EgressServer start() {
    RuleSet rules = rules();
    EgressConfig config = EgressConfig.defaults().withDecisionLogFile(decisionLog);
    if (secrets) {
      TlsInterceptor interceptor = new TlsInterceptor(
          new LeafCache(CertificateAuthority.loadOrCreate(locations.egressCaDir())), UpstreamTls.systemTrust(),
          new SecretsCredentialResolver(Secrets.lookup(Secrets.open(locations.secretsDir()))), InterceptionListener.NONE);
      config = config.withInterceptor(interceptor);
    }
    return EgressServer.start(rules, ListenAddress.parse(listen), config);
  }
}

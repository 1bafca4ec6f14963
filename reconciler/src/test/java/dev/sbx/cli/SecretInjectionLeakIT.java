package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.tls.CertificateAuthority;
import dev.sbx.egress.tls.InterceptionListener;
import dev.sbx.egress.tls.LeafCache;
import dev.sbx.egress.tls.TlsInterceptor;
import dev.sbx.egress.tls.UpstreamTls;
import dev.sbx.secrets.SandboxEnvironment;
import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.ServiceCatalog;
import dev.sbx.secrets.StoreCredentialLookup;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.ServiceBinding;
import dev.sbx.egress.EgressServer;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.HostResolver;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.RuleSet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with the real store and the real proxy: secrets set through the CLI, the egress
 * proxy with the TLS interceptor resolving them from the store per request, a loopback HTTPS
 * upstream with its own CA. Afterwards nothing sbx
 * wrote or printed — state files, the decision log, CLI output, error messages, the sandbox's
 * environment — contains either secret value, byte for byte.
 */
class SecretInjectionLeakIT {

  static final String TOKEN = "sk-ant-api03-LEAKCANARY-0123456789abcdefghij";
  static final String CUSTOM = "amp-LEAKCANARY-custom-9876543210zyxwvut";

  @TempDir Path state;
  final List<String> outputs = new ArrayList<>();

  CliRun sbx(String stdin, String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--state-dir", state.toString())).toArray(String[]::new);
    CliRun r = CliRun.run(stdin, all);
    outputs.add(r.out());
    outputs.add(r.err());
    return r;
  }

  @Test
  void realTokensReachOnlyTheBoundUpstreamAndLeakNowhere() throws Exception {
    assertEquals(0, sbx(TOKEN + "\n", "secret", "set", "-g", "my-llm").exitCode());
    CliRun custom = sbx(CUSTOM, "secret", "set-custom", "-g", "--host", "api.test", "--env", "AMP_API_KEY");
    assertEquals(0, custom.exitCode(), custom.err());
    String placeholder = custom.out().trim();
    sbx("", "secret", "ls");
    sbx("", "secret", "ls", "-o", "json");
    sbx("", "egress", "ca");
    sbx("x", "secret", "set", "nonexistent-scope-usage");

    SbxLocations locations = new SbxLocations();
    locations.stateDir = state;
    SecretStore store = Secrets.open(locations.secretsDir());
    // A kit-style binding: service my-llm goes to api.test in x-api-key.
    StoreCredentialLookup lookup = new StoreCredentialLookup(store,
        sandbox -> List.of(new ServiceBinding("my-llm", List.of("api.test"), "x-api-key", "%s", false)));
    Path log = state.resolve("egress-decisions.log");
    InterceptionListener toLog = event -> {
      try {
        Files.writeString(log, event + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(locations.egressCaDir());
    Path decisions = state.resolve("egress-decisions.jsonl");
    try (LoopbackHttps.Upstream upstream = new LoopbackHttps.Upstream("api.test", "other.test")) {
      TlsInterceptor interceptor = new TlsInterceptor(new LeafCache(ca), UpstreamTls.trusting(List.of(upstream.ca)),
          new SecretsCredentialResolver(lookup), toLog);
      HostResolver testDns = name -> {
        if (name.endsWith(".test")) {
          return List.of(InetAddress.getByName("127.0.0.1"));
        }
        throw new UnknownHostException(name);
      };
      EgressConfig config = EgressConfig.defaults().withResolver(testDns).withIoThreads(1).withInterceptor(interceptor)
          .withDecisionLogFile(decisions);
      try (EgressServer front = EgressServer.start(
          RuleSet.allowing("127.0.0.1:" + upstream.port(), "api.test", "other.test"), ListenAddress.parse("127.0.0.1:0"),
          config)) {
        int proxyPort = ((ListenAddress.Tcp) front.address()).port();
        List<java.security.cert.X509Certificate> roots = List.of(ca.certificate(), upstream.ca);
        Map<String, String> sandboxHeaders = Map.of("x-api-key", "proxy-managed", "Authorization", "Bearer " + placeholder);

        outputs.add(LoopbackHttps.get(proxyPort, "api.test", upstream.port(), sandboxHeaders, roots));
        Map<String, List<String>> bound = upstream.received.poll(10, TimeUnit.SECONDS);
        assertEquals(List.of(TOKEN), bound.get("X-api-key"));
        assertEquals(List.of("Bearer " + CUSTOM), bound.get("Authorization"));

        outputs.add(LoopbackHttps.get(proxyPort, "other.test", upstream.port(), sandboxHeaders, roots));
        Map<String, List<String>> unbound = upstream.received.poll(10, TimeUnit.SECONDS);
        assertEquals(List.of("proxy-managed"), unbound.get("X-api-key"));
        assertEquals(List.of("Bearer " + placeholder), unbound.get("Authorization"));
      }
    }
    assertTrue(Files.readString(decisions).contains("api.test"), "the proxy's decision log was written");

    // Error paths: messages of a damaged store and of a wrong key.
    Path copy = state.resolve("broken");
    Files.createDirectories(copy);
    byte[] db = Files.readAllBytes(locations.secretsDir().resolve("secrets.db"));
    Files.write(copy.resolve("secrets.db"), java.util.Arrays.copyOf(db, db.length - 5));
    outputs.add(errorOf(() -> Secrets.open(copy).list()));
    Files.write(copy.resolve("secrets.db"), db);
    outputs.add(errorOf(() -> Secrets.open(copy).list()));

    Map<String, String> guestEnv = SandboxEnvironment.forSandbox(store, ServiceCatalog.builtIn(), "dev");
    assertEquals(placeholder, guestEnv.get("AMP_API_KEY"));
    outputs.add(guestEnv.toString());
    assertTrue(Files.readString(log).contains("my-llm"), "the log names the credential");

    for (String canary : List.of(TOKEN, CUSTOM)) {
      byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
      byte[] middle = canary.substring(6, canary.length() - 6).getBytes(StandardCharsets.UTF_8);
      try (Stream<Path> files = Files.walk(state)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          byte[] bytes = Files.readAllBytes(f);
          assertFalse(contains(bytes, needle) || contains(bytes, middle), "secret found in " + f);
        }
      }
      for (String o : outputs) {
        assertFalse(o.contains(canary.substring(6, canary.length() - 6)), "secret found in output: " + o);
      }
    }
  }

  private static String errorOf(Runnable r) {
    try {
      r.run();
      return "";
    } catch (SecretsException e) {
      ByteArrayOutputStream trace = new ByteArrayOutputStream();
      e.printStackTrace(new java.io.PrintStream(trace, true, StandardCharsets.UTF_8));
      return e.getMessage() + trace.toString(StandardCharsets.UTF_8);
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.EgressServer;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.tls.CertificateAuthority;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sbx egress serve} with and without {@code --secrets}, on loopback only. */
class EgressServeCommandTest {

  @TempDir Path state;

  EgressServer serve(int upstreamPort, String... extra) {
    EgressServeCommand cmd = new EgressServeCommand();
    List<String> args = new java.util.ArrayList<>(List.of("--state-dir", state.toString(), "--listen", "127.0.0.1:0",
        "--allow", "127.0.0.1:" + upstreamPort));
    args.addAll(List.of(extra));
    new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
    return cmd.start();
  }

  @Test
  void secretsFlagInterceptsBoundHostsOnly() throws Exception {
    CliRun set = CliRun.run("real-value-0123456789", "secret", "set-custom", "-g", "--host", "127.0.0.1", "--env", "TOK",
        "--state-dir", state.toString());
    assertEquals(0, set.exitCode(), set.err());
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(state.resolve("egress-ca"));
    try (LoopbackHttps.Upstream upstream = new LoopbackHttps.Upstream("127.0.0.1")) {
      try (EgressServer plain = serve(upstream.port())) {
        int port = ((ListenAddress.Tcp) plain.address()).port();
        String r = LoopbackHttps.get(port, "127.0.0.1", upstream.port(), Map.of(), List.of(upstream.ca));
        assertTrue(r.startsWith("HTTP/1.1 200"), "without --secrets the tunnel is opaque: " + r);
      }
      upstream.received.clear();
      try (EgressServer injecting = serve(upstream.port(), "--secrets")) {
        int port = ((ListenAddress.Tcp) injecting.address()).port();
        // The client trusts only the sbx CA: the handshake succeeds only if the tunnel was intercepted.
        // The upstream's test CA is not in the system trust store, so the verified upstream leg fails: 502.
        String r = LoopbackHttps.get(port, "127.0.0.1", upstream.port(), Map.of("x", set.out().trim()),
            List.of(ca.certificate()));
        assertTrue(r.startsWith("HTTP/1.1 502"), r);
        assertEquals(null, upstream.received.poll(200, TimeUnit.MILLISECONDS), "nothing reaches an unverified upstream");
      }
    }
  }

  @Test
  void badRuleIsAUserError() {
    CliRun r = CliRun.of("egress", "serve", "--allow", "bad rule with spaces", "--state-dir", state.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("invalid network rule"), r.err());
  }

  @Test
  void policyFileRulesAreEnforced() throws Exception {
    Path policy = state.resolve("policy.yaml");
    java.nio.file.Files.writeString(policy, String.join("\n",
        "apiVersion: sbx/v1",
        "kind: NetworkPolicy",
        "metadata: {name: team}",
        "spec:",
        "  default: deny-all",
        "  allow: [\"api.github.com:443\"]",
        "  deny: [\"*.pastebin.com\"]",
        ""));
    EgressServeCommand cmd = new EgressServeCommand();
    new CommandLine(cmd).parseArgs("--state-dir", state.toString(), "--listen", "127.0.0.1:0",
        "--policy", policy.toString(), "--log", state.resolve("decisions.jsonl").toString());
    try (EgressServer server = cmd.start()) {
      int port = ((ListenAddress.Tcp) server.address()).port();
      // example.com is neither allowed nor resolved: the policy answers before any DNS lookup.
      String denied = rawConnect(port, "example.com:443");
      assertTrue(denied.startsWith("HTTP/1.1 403"), denied);
      assertTrue(denied.contains("Blocked by network policy: domain example.com:443"), denied);
      String deniedByRule = rawConnect(port, "x.pastebin.com:443");
      assertTrue(deniedByRule.contains("*.pastebin.com"), deniedByRule);
    }
    assertTrue(java.nio.file.Files.readString(state.resolve("decisions.jsonl")).contains("example.com"));
  }

  @Test
  void badRuleInPolicyFileNamesItsLine() throws Exception {
    Path policy = state.resolve("bad.yaml");
    java.nio.file.Files.writeString(policy, String.join("\n",
        "apiVersion: sbx/v1",
        "kind: NetworkPolicy",
        "metadata: {name: team}",
        "spec:",
        "  default: deny-all",
        "  allow:",
        "    - api.github.com",
        "    - \"exa mple.com\"",
        ""));
    CliRun r = CliRun.of("egress", "serve", "--policy", policy.toString(), "--state-dir", state.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("bad.yaml:8:"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  private static String rawConnect(int port, String target) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      byte[] buf = s.getInputStream().readNBytes(2048);
      return new String(buf, java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}

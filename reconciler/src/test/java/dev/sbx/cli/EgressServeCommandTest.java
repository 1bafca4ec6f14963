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
}

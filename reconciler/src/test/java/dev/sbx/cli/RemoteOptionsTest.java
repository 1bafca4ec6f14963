package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

/** How the CLI finds a remote daemon: options, environment, and the example CI workflow that uses them. */
class RemoteOptionsTest {
  @TempDir Path tmp;

  @Test
  void hostIsHttpsOnlyWithoutPathOrUser() {
    assertEquals("https://sbx.example.com:7443", RemoteOptions.parseUrl("https://sbx.example.com:7443/").toString());
    assertEquals("https://[::1]:7443", RemoteOptions.parseUrl("https://[::1]:7443").toString());
    for (String bad : List.of("http://sbx.example.com:7443", "sbx.example.com:7443", "https://sbx.example.com/v1",
        "https://user@sbx.example.com", "unix:///run/sbx.sock", "https://a b")) {
      CliFailure e = assertThrows(CliFailure.class, () -> RemoteOptions.parseUrl(bad), bad);
      assertEquals(ExitCodes.INVALID_INPUT, e.exitCode());
    }
  }

  @Test
  void environmentSelectsTheRemoteDaemonAndOptionsWin() throws Exception {
    RemoteOptions none = new RemoteOptions();
    assertTrue(none.client(Map.of()).isEmpty());
    var fromEnv = none.client(Map.of("SBX_HOST", "https://sbx.example.com:7443", "SBX_TOKEN", "sbx_x",
        "SBX_TLS_FINGERPRINT", "ab".repeat(32))).orElseThrow();
    assertTrue(fromEnv.isRemote());
    assertEquals("https://sbx.example.com:7443", fromEnv.where());

    RemoteOptions opts = new RemoteOptions();
    opts.host = "https://other.example.com:9443";
    assertEquals("https://other.example.com:9443", opts.client(Map.of("SBX_HOST", "https://sbx.example.com")).orElseThrow().where());

    opts.tlsFingerprint = "nope";
    CliFailure pin = assertThrows(CliFailure.class, () -> opts.client(Map.of()));
    assertEquals(ExitCodes.INVALID_INPUT, pin.exitCode());
    opts.tlsFingerprint = null;
    opts.caCert = tmp.resolve("missing.pem");
    assertEquals(ExitCodes.INVALID_INPUT, assertThrows(CliFailure.class, () -> opts.client(Map.of())).exitCode());
    opts.caCert = null;
    opts.tokenFile = tmp.resolve("empty.token");
    Files.writeString(opts.tokenFile, "\n");
    CliFailure empty = assertThrows(CliFailure.class, () -> opts.client(Map.of()));
    assertTrue(empty.getMessage().contains("is empty"));
  }

  @Test
  void theExampleWorkflowRunsADiffWithTheVariablesTheCliReads() throws Exception {
    Path workflow = Path.of("../examples/ci/sbx-diff.yaml");
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build())
        .loadFromString(Files.readString(workflow));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> steps = (List<Map<String, Object>>) ((Map<String, Object>)
        ((Map<String, Object>) doc.get("jobs")).get("diff")).get("steps");
    Map<String, Object> diff = steps.get(steps.size() - 1);
    String run = (String) diff.get("run");
    assertTrue(run.matches("\\.sbx/sbx diff -f gitops/ --exit-code\\s*"), run);
    @SuppressWarnings("unchecked")
    Map<String, Object> env = (Map<String, Object>) diff.get("env");
    assertEquals(List.of("SBX_HOST", "SBX_TLS_FINGERPRINT", "SBX_TOKEN"), env.keySet().stream().sorted().toList());

    // The same command line parses with the real CLI (the variables stand for --host and the token).
    var parsed = Sbx.newCommandLine().parseArgs("diff", "-f", "gitops/", "--exit-code", "--host", "https://sbx.example.com:7443");
    assertEquals("diff", parsed.subcommand().commandSpec().name());
    assertFalse(steps.stream().anyMatch(s -> String.valueOf(s.get("run")).contains("SBX_TOKEN")), "the token is never echoed");
  }

  @Test
  void remoteOptionsAreOnTheDaemonBackedVerbs() {
    CommandLine cli = Sbx.newCommandLine();
    for (String verb : List.of("diff", "plan", "apply", "ls", "exec", "logs", "stop", "rm")) {
      var spec = cli.getSubcommands().get(verb).getCommandSpec();
      for (String option : List.of("--host", "--token-file", "--ca-cert", "--tls-fingerprint")) {
        assertTrue(spec.findOption(option) != null, verb + " " + option);
      }
    }
  }
}

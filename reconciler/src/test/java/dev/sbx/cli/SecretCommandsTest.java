package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCommandsTest {

  static final String TOKEN = "gho_GCaw4oRealTokenValue1234567843qy";

  @TempDir Path state;

  CliRun sbx(String stdin, String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--state-dir";
    all[args.length + 1] = state.toString();
    return CliRun.run(stdin, all);
  }

  @Test
  void setFromStdinThenLsMasksTheValue() {
    CliRun set = sbx(TOKEN + "\n", "secret", "set", "-g", "github");
    assertEquals(0, set.exitCode(), set.err());
    assertTrue(set.out().contains("key: keyfile"), set.out());
    CliRun ls = sbx("", "secret", "ls");
    assertEquals(0, ls.exitCode(), ls.err());
    assertTrue(ls.out().matches("(?s).*\\(global\\)\\s+service\\s+github\\s+gho_\\*\\*\\*\\*\\.\\.\\.\\*\\*\\*\\*43qy.*"),
        ls.out());
    assertFalse(ls.out().contains(TOKEN));
    CliRun json = sbx("", "secret", "ls", "-o", "json");
    assertTrue(json.out().contains("\"secret\" : \"gho_****...****43qy\""), json.out());
    assertTrue(json.out().contains("api.github.com"), json.out());
    assertFalse(json.out().contains(TOKEN));
  }

  @Test
  void sandboxScopeAndRemoval() {
    assertEquals(0, sbx("short-value", "secret", "set", "api-dev", "openai").exitCode());
    CliRun ls = sbx("", "secret", "ls", "api-dev");
    assertTrue(ls.out().contains("api-dev") && ls.out().contains("********"), ls.out());
    assertTrue(sbx("", "secret", "ls", "-g").out().lines().count() == 1, "only the header: no global secrets");
    CliRun rm = sbx("", "secret", "rm", "api-dev", "openai");
    assertEquals(0, rm.exitCode(), rm.err());
    CliRun again = sbx("", "secret", "rm", "api-dev", "openai");
    assertEquals(2, again.exitCode());
    assertTrue(again.err().contains("sbx secret ls"), again.err());
  }

  @Test
  void setCustomPrintsThePlaceholderAndRmByPlaceholder() {
    CliRun set = sbx("amp-real-value-000000000", "secret", "set-custom", "-g", "--host", "ampcode.com", "--host",
        "*.ampcode.com", "--env", "AMP_API_KEY", "--placeholder", "sgamp-{rand}");
    assertEquals(0, set.exitCode(), set.err());
    String placeholder = set.out().trim();
    assertTrue(placeholder.matches("sgamp-[A-Za-z0-9]{24}"), placeholder);
    assertTrue(sbx("", "secret", "ls").out().contains(placeholder));
    assertEquals(0, sbx("", "secret", "rm", "-g", "--placeholder", placeholder).exitCode());
    assertFalse(sbx("", "secret", "ls").out().contains("AMP_API_KEY"));
  }

  @Test
  void userErrorsAreOneMessageWithoutStackTrace() throws Exception {
    CliRun noScope = sbx("v", "secret", "set", "github");
    assertEquals(2, noScope.exitCode());
    assertTrue(noScope.err().contains("name a sandbox or use -g"), noScope.err());
    assertEquals(2, sbx("", "secret", "set", "-g", "github").exitCode(), "empty value");
    assertEquals(2, sbx("x".repeat(70_000), "secret", "set", "-g", "github").exitCode(), "oversized value");

    assertEquals(0, sbx(TOKEN, "secret", "set", "-g", "github").exitCode());
    Path db = state.resolve("secrets/secrets.db");
    byte[] bytes = Files.readAllBytes(db);
    Files.write(db, Arrays.copyOf(bytes, bytes.length - 7));
    byte[] truncated = Files.readAllBytes(db);
    CliRun corrupt = sbx("", "secret", "ls");
    assertEquals(2, corrupt.exitCode());
    assertTrue(corrupt.err().contains("truncated") && corrupt.err().contains("hint:"), corrupt.err());
    assertFalse(corrupt.err().contains("\tat "), "no stack trace");
    assertArrayEquals(truncated, Files.readAllBytes(db));

    Files.write(db, bytes);
    Files.delete(state.resolve("secrets/secrets.key"));
    CliRun noKey = sbx(TOKEN, "secret", "set", "-g", "openai");
    assertEquals(5, noKey.exitCode(), noKey.err());
    assertTrue(noKey.err().contains("key of the secret store is missing"), noKey.err());
    assertArrayEquals(bytes, Files.readAllBytes(db));
  }

  @Test
  void egressCaPrintsPathAndPem() {
    CliRun ca = sbx("", "egress", "ca");
    assertEquals(0, ca.exitCode(), ca.err());
    String[] lines = ca.out().split("\n");
    assertEquals(state.resolve("egress-ca/ca.pem").toString(), lines[0]);
    assertEquals("-----BEGIN CERTIFICATE-----", lines[1]);
    assertEquals(ca.out(), sbx("", "egress", "ca").out(), "the same CA on every run");
  }
}

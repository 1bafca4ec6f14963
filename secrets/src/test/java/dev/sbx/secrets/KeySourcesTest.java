package dev.sbx.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.secrets.api.KeySourceStatus;
import dev.sbx.secrets.api.SecretsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourcesTest {

  @TempDir Path tmp;

  @Test
  void keyFileRoundTripsAndRefusesASecondCreate() {
    KeyFileSource source = new KeyFileSource(tmp.resolve("d/secrets.key"));
    assertTrue(source.load().isEmpty());
    byte[] key = source.create();
    assertEquals(32, key.length);
    assertArrayEquals(key, source.load().orElseThrow());
    assertThrows(SecretsException.class, source::create);
  }

  @Test
  void damagedKeyFileIsAUserError() throws Exception {
    Path file = tmp.resolve("secrets.key");
    new KeyFileSource(file).create();
    Files.writeString(file, "sbx-secrets-key v1 AAAA\n");
    SecretsException e = assertThrows(SecretsException.class, () -> new KeyFileSource(file).load());
    assertEquals(SecretsException.Problem.KEY_UNAVAILABLE, e.problem());
  }

  @Test
  void libsecretWithoutSessionBusIsNotAvailable() {
    KeySourceStatus s = new LibsecretKeySource("secret-1", Map.of()).status();
    assertFalse(s.available());
    assertTrue(s.detail().contains("D-Bus"), s.detail());
    SecretsException e = assertThrows(SecretsException.class, () -> new LibsecretKeySource("secret-1", Map.of()).load());
    assertEquals(SecretsException.Problem.KEY_UNAVAILABLE, e.problem());
  }

  @Test
  void libsecretWithoutTheLibraryIsNotAvailable() {
    KeySourceStatus s = new LibsecretKeySource("sbx-no-such-secret-lib",
        Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")).status();
    assertFalse(s.available());
    assertTrue(s.detail().contains("not installed"), s.detail());
  }

  @Test
  void libsecretWithAnUnreachableBusFailsCleanly() {
    // libsecret-1-0 is installed by scripts/prepare-host.sh; the bus address points nowhere, so the
    // real library is called (schema struct, varargs, GError) and must report, not crash.
    LibsecretKeySource source = new LibsecretKeySource("secret-1",
        Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + tmp.resolve("no-bus")));
    assertTrue(source.status().available(), source.status().detail());
    SecretsException e = assertThrows(SecretsException.class, source::load);
    assertEquals(SecretsException.Problem.KEY_UNAVAILABLE, e.problem());
    assertTrue(e.getMessage().contains("cannot read the key from the keyring"), e.getMessage());
  }

  @Test
  void fallsBackToTheKeyFileWhenNoKeyringIsReachable() {
    KeySources sources = new KeySources(List.of(new MacKeychainKeySource(),
        new LibsecretKeySource("secret-1", Map.of()), new KeyFileSource(tmp.resolve("k"))));
    assertEquals("keyfile", sources.preferred().backend());
    assertEquals(List.of("macos-keychain", "libsecret", "keyfile"),
        sources.statuses().stream().map(KeySourceStatus::backend).toList());
  }
}

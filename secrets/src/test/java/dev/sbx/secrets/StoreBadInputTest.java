package dev.sbx.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretValue;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every damaged input gives one clear user error and leaves the store file byte-for-byte unchanged. */
class StoreBadInputTest {

  static final String TOKEN = "sk-ant-api03-RealSecretValue-0123456789";

  @TempDir Path tmp;
  Path dir;
  Path db;
  Path key;

  @BeforeEach
  void createStore() {
    dir = tmp.resolve("secrets");
    db = dir.resolve("secrets.db");
    key = dir.resolve("secrets.key");
    store().setService(Scope.global(), "anthropic", SecretValue.ofUtf8(TOKEN.getBytes(StandardCharsets.UTF_8)));
    store().setService(Scope.sandbox("dev"), "github", SecretValue.ofUtf8("ghp_x0123456789".getBytes(StandardCharsets.UTF_8)));
  }

  SecretStore store() {
    return new EncryptedFileStore(dir, KeySources.keyFileOnly(key));
  }

  /** Runs a read and a write against the store; both must fail with {@code problem}, the file unchanged. */
  void assertRefusedUnchanged(Problem problem, String messagePart) throws Exception {
    byte[] before = Files.readAllBytes(db);
    List<Consumer<SecretStore>> operations = List.of(
        s -> s.get(Scope.global(), "anthropic"),
        SecretStore::list,
        s -> s.setService(Scope.global(), "openai", SecretValue.ofUtf8("new-value-123456".getBytes(StandardCharsets.UTF_8))),
        s -> s.remove(Scope.global(), "anthropic"));
    for (Consumer<SecretStore> op : operations) {
      SecretsException e = assertThrows(SecretsException.class, () -> op.accept(store()));
      assertEquals(problem, e.problem(), e.getMessage());
      assertTrue(e.getMessage().contains(messagePart), e.getMessage());
      assertTrue(e.getMessage().contains("hint:"), e.getMessage());
      assertFalse(e.getMessage().contains(TOKEN), "error must not carry the secret");
      assertArrayEquals(before, Files.readAllBytes(db), "store file must be unchanged");
    }
  }

  @Test
  void wrongKeyIsRefused() throws Exception {
    Files.delete(key);
    new KeyFileSource(key).create(); // a different key, as after restoring the wrong key file
    assertRefusedUnchanged(Problem.WRONG_KEY, "does not open the secret store");
  }

  @Test
  void missingKeyIsRefusedAndNotRegenerated() throws Exception {
    Files.delete(key);
    assertRefusedUnchanged(Problem.KEY_UNAVAILABLE, "key of the secret store is missing");
    assertFalse(Files.exists(key), "a new key must not be created for an existing store");
  }

  @Test
  void keyringGoneIsRefused() throws Exception {
    // A store written with a keyring backend, read where that keyring is unreachable.
    byte[] original = Files.readAllBytes(db);
    StoreCodec.Image image = StoreCodec.decode(db, original);
    Files.write(db, StoreCodec.encode(new StoreCodec.Image(LibsecretKeySource.BACKEND, image.keyCheckNonce(),
        image.keyCheckTag(), image.entries())));
    byte[] before = Files.readAllBytes(db);
    SecretStore s = new EncryptedFileStore(dir, new KeySources(List.of(
        new LibsecretKeySource("secret-1", java.util.Map.of()), new KeyFileSource(key))));
    SecretsException e = assertThrows(SecretsException.class, () -> s.get(Scope.global(), "anthropic"));
    assertEquals(Problem.KEY_UNAVAILABLE, e.problem());
    assertTrue(e.getMessage().contains("libsecret"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(db));
  }

  @Test
  void keyFileReadableByOthersIsRefused() throws Exception {
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertRefusedUnchanged(Problem.KEY_UNAVAILABLE, "chmod 600");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 5, 9, 11, 40, 100, -1, -31, -33})
  void truncatedStoreIsRefused(int cut) throws Exception {
    byte[] full = Files.readAllBytes(db);
    int length = cut >= 0 ? Math.min(cut, full.length - 1) : full.length + cut;
    Files.write(db, Arrays.copyOf(full, length));
    assertRefusedUnchanged(Problem.CORRUPT, "secret store");
  }

  @Test
  void flippedByteIsRefused() throws Exception {
    byte[] bytes = Files.readAllBytes(db);
    for (int i : new int[] {20, bytes.length / 2, bytes.length - 40, bytes.length - 1}) {
      byte[] damaged = bytes.clone();
      damaged[i] ^= 0x01;
      Files.write(db, damaged);
      assertRefusedUnchanged(Problem.CORRUPT, "damaged");
    }
  }

  @Test
  void notAStoreIsRefused() throws Exception {
    Files.writeString(db, "{\"secrets\": []}\n");
    assertRefusedUnchanged(Problem.CORRUPT, "not an sbx secret store");
  }

  @Test
  void newerFormatVersionIsRefused() throws Exception {
    byte[] bytes = Files.readAllBytes(db);
    bytes[StoreCodec.MAGIC.length] = 0;
    bytes[StoreCodec.MAGIC.length + 1] = 2;
    Files.write(db, bytes);
    assertRefusedUnchanged(Problem.NEWER_VERSION, "newer sbx (format version 2");
  }

  @Test
  void controlCharactersInValuesAreRefusedWithoutEchoingThem() {
    SecretsException e = assertThrows(SecretsException.class,
        () -> SecretValue.ofUtf8("abc\r\nX-Evil: 1".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Problem.BAD_INPUT, e.problem());
    assertFalse(e.getMessage().contains("X-Evil"));
  }
}

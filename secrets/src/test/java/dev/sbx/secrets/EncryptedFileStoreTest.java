package dev.sbx.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.secrets.api.CustomSecretSpec;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretKind;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretValue;
import dev.sbx.secrets.api.SecretsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedFileStoreTest {

  static final String TOKEN = "ghp_RealTokenValue0123456789abcdefXYZ";

  @TempDir Path tmp;

  SecretStore store() {
    return new EncryptedFileStore(tmp.resolve("secrets"), KeySources.keyFileOnly(tmp.resolve("secrets/secrets.key")));
  }

  static SecretValue value(String s) {
    return SecretValue.ofUtf8(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void storesAndReadsBackAcrossInstances() {
    store().setService(Scope.global(), "github", value(TOKEN));
    Optional<SecretValue> read = store().get(Scope.global(), "github");
    assertEquals(TOKEN, read.orElseThrow().reveal());
    assertEquals(List.of(SecretEntry.service(Scope.global(), "github")), store().list());
  }

  @Test
  void sandboxScopeOverridesGlobal() {
    SecretStore s = store();
    s.setService(Scope.global(), "openai", value("global-value-000000000000"));
    s.setService(Scope.sandbox("api-dev"), "openai", value("sandbox-value-00000000000"));
    assertEquals("sandbox-value-00000000000", s.resolve("api-dev", "openai").orElseThrow().reveal());
    assertEquals("global-value-000000000000", s.resolve("other", "openai").orElseThrow().reveal());
    assertTrue(s.remove(Scope.sandbox("api-dev"), "openai"));
    assertEquals("global-value-000000000000", s.resolve("api-dev", "openai").orElseThrow().reveal());
    assertFalse(s.remove(Scope.sandbox("api-dev"), "openai"));
  }

  @Test
  void filesAreOwnerOnlyAndHoldNoPlaintext() throws Exception {
    store().setService(Scope.global(), "github", value(TOKEN));
    Path dir = tmp.resolve("secrets");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secrets.db"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secrets.key"))));
    String bytes = new String(Files.readAllBytes(dir.resolve("secrets.db")), StandardCharsets.ISO_8859_1);
    assertFalse(bytes.contains(TOKEN));
    assertFalse(bytes.contains("RealToken"));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temp file left");
    }
  }

  @Test
  void everyWriteUsesAFreshNonce() throws Exception {
    Path db = tmp.resolve("secrets/secrets.db");
    store().setService(Scope.global(), "github", value(TOKEN));
    StoreCodec.SealedEntry first = StoreCodec.decode(db, Files.readAllBytes(db)).entries().get(0);
    store().setService(Scope.global(), "github", value(TOKEN));
    StoreCodec.SealedEntry second = StoreCodec.decode(db, Files.readAllBytes(db)).entries().get(0);
    assertNotEquals(List.of(first.nonce()), List.of(second.nonce()));
    assertFalse(java.util.Arrays.equals(first.nonce(), second.nonce()));
    assertFalse(java.util.Arrays.equals(first.ciphertext(), second.ciphertext()));
  }

  @Test
  void ciphertextMovedToAnotherNameFailsAuthentication() throws Exception {
    SecretStore s = store();
    s.setService(Scope.global(), "github", value(TOKEN));
    s.setService(Scope.sandbox("dev"), "openai", value("other-secret-value-000000"));
    Path db = tmp.resolve("secrets/secrets.db");
    StoreCodec.Image image = StoreCodec.decode(db, Files.readAllBytes(db));
    StoreCodec.SealedEntry a = image.entries().get(0);
    StoreCodec.SealedEntry b = image.entries().get(1);
    // Swap the sealed values but keep the metadata: a re-labelled ciphertext must not decrypt.
    StoreCodec.Image swapped = new StoreCodec.Image(image.backend(), image.keyCheckNonce(), image.keyCheckTag(),
        List.of(new StoreCodec.SealedEntry(a.meta(), b.nonce(), b.ciphertext()),
            new StoreCodec.SealedEntry(b.meta(), a.nonce(), a.ciphertext())));
    Files.write(db, StoreCodec.encode(swapped));
    SecretsException e = assertThrows(SecretsException.class, () -> store().get(Scope.global(), "github"));
    assertEquals(SecretsException.Problem.CORRUPT, e.problem());
  }

  @Test
  void customSecretGetsAPlaceholderAndCanonicalHosts() {
    SecretEntry e = store().setCustom(Scope.global(),
        new CustomSecretSpec("AMP_API_KEY", List.of("API.Example.com.", "*.example.org"), Optional.of("sgamp-{rand}")),
        value("amp-real-value-1234567890"));
    assertEquals(SecretKind.CUSTOM, e.kind());
    assertTrue(e.placeholder().matches("sgamp-[A-Za-z0-9]{24}"), e.placeholder());
    assertEquals(List.of("*.example.org", "api.example.com"), e.hosts());
    assertEquals(List.of(e), store().list());
    SecretEntry generated = store().setCustom(Scope.sandbox("dev"),
        new CustomSecretSpec("TOKEN", List.of("10.0.0.1"), Optional.empty()), value("x-real-value-00000000000"));
    assertTrue(generated.placeholder().matches("sbx-cs-[A-Za-z0-9]{24}"), generated.placeholder());
  }

  @Test
  void customSecretNeedsHostsAndARandomPart() {
    SecretStore s = store();
    CustomSecretSpec noHost = new CustomSecretSpec("T", List.of(), Optional.empty());
    assertEquals(SecretsException.Problem.BAD_INPUT,
        assertThrows(SecretsException.class, () -> s.setCustom(Scope.global(), noHost, value("v1234"))).problem());
    CustomSecretSpec fixed = new CustomSecretSpec("T", List.of("a.example.com"), Optional.of("fixed"));
    assertThrows(SecretsException.class, () -> s.setCustom(Scope.global(), fixed, value("v1234")));
    CustomSecretSpec anywhere = new CustomSecretSpec("T", List.of("**"), Optional.empty());
    assertThrows(SecretsException.class, () -> s.setCustom(Scope.global(), anywhere, value("v1234")));
  }

  @Test
  void badNamesAreUserErrors() {
    assertEquals(SecretsException.Problem.BAD_INPUT, assertThrows(SecretsException.class,
        () -> store().setService(Scope.global(), "Bad Name", value("v"))).problem());
    assertThrows(SecretsException.class, () -> Scope.sandbox("../etc"));
  }

  @Test
  void maskedNeverShowsTheWholeValue() {
    store().setService(Scope.global(), "github", value(TOKEN));
    assertEquals("ghp_****...****fXYZ", store().masked(Scope.global(), "github").orElseThrow());
  }

  @Test
  void reportsKeyFileBackend() {
    assertEquals("keyfile", store().keySource().backend());
    assertTrue(store().keySource().available());
  }
}

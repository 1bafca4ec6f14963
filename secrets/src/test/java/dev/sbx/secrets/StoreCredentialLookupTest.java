package dev.sbx.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.secrets.api.Credential;
import dev.sbx.secrets.api.CredentialLookup;
import dev.sbx.secrets.api.CustomSecretSpec;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretValue;
import dev.sbx.secrets.api.ServiceBinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCredentialLookupTest {

  @TempDir Path tmp;
  SecretStore store;
  CredentialLookup lookup;
  SecretEntry custom;

  static SecretValue v(String s) {
    return SecretValue.ofUtf8(s.getBytes(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void setUp() {
    store = new EncryptedFileStore(tmp, KeySources.keyFileOnly(tmp.resolve("k")));
    store.setService(Scope.global(), "github", v("ghp_global_000000000000"));
    store.setService(Scope.sandbox("dev"), "github", v("ghp_dev_0000000000000000"));
    custom = store.setCustom(Scope.global(),
        new CustomSecretSpec("AMP_API_KEY", List.of("ampcode.com", "*.ampcode.com"), Optional.empty()), v("amp-real-0000000000"));
    lookup = Secrets.lookup(store);
  }

  @Test
  void builtInServiceGetsItsHeaderFormat() {
    List<Credential> c = lookup.forHost("other", "api.github.com");
    assertEquals(1, c.size());
    Credential.Header h = assertInstanceOf(Credential.Header.class, c.get(0));
    assertEquals("Authorization", h.headerName());
    assertEquals("token %s", h.valueFormat());
    assertEquals("ghp_global_000000000000", h.value().reveal());
    assertFalse(h.toString().contains("ghp_global"), h.toString());
  }

  @Test
  void sandboxValueWins() {
    Credential.Header h = (Credential.Header) lookup.forHost("dev", "github.com").get(0);
    assertEquals("ghp_dev_0000000000000000", h.value().reveal());
  }

  @Test
  void spellingsOfTheSameHostGetTheSameAnswer() {
    for (String spelling : List.of("API.GITHUB.COM", "api.github.com.", "Api.GitHub.Com.")) {
      assertEquals(1, lookup.forHost("other", spelling).size(), spelling);
    }
  }

  @Test
  void unboundHostsGetNothing() {
    assertTrue(lookup.forHost("other", "example.com").isEmpty());
    assertTrue(lookup.forHost("other", "evil-github.com").isEmpty());
    assertTrue(lookup.forHost("other", "github.com.evil.com").isEmpty());
    assertTrue(lookup.forHost("other", "api.openai.com").isEmpty(), "no openai secret stored");
    assertTrue(lookup.forHost("other", "not a host").isEmpty());
  }

  @Test
  void customPlaceholderOnlyForItsOwnHosts() {
    Credential.Placeholder p = (Credential.Placeholder) lookup.forHost("x", "api.ampcode.com").get(0);
    assertEquals(custom.placeholder(), p.placeholder());
    assertEquals("amp-real-0000000000", p.value().reveal());
    assertEquals(1, lookup.forHost("x", "ampcode.com").size());
    assertTrue(lookup.forHost("x", "a.b.ampcode.com").isEmpty(), "* is one label");
    assertTrue(lookup.forHost("x", "api.github.com").stream().noneMatch(c -> c instanceof Credential.Placeholder));
  }

  @Test
  void sandboxCustomSecretShadowsGlobalOneOfTheSameName() {
    SecretEntry own = store.setCustom(Scope.sandbox("dev"),
        new CustomSecretSpec("AMP_API_KEY", List.of("ampcode.com"), Optional.empty()), v("amp-dev-0000000000"));
    Credential.Placeholder p = (Credential.Placeholder) lookup.forHost("dev", "ampcode.com").get(0);
    assertEquals(own.placeholder(), p.placeholder());
    assertTrue(lookup.forHost("dev", "api.ampcode.com").isEmpty(), "the sandbox's own binding replaces the global one");
  }

  @Test
  void kitBindingsReplaceTheBuiltInTable() {
    store.setService(Scope.global(), "my-service", v("my-real-value-000000"));
    CredentialLookup kitLookup = new StoreCredentialLookup(store,
        sandbox -> List.of(new ServiceBinding("my-service", List.of("**.internal.example.com"), "X-Token", "%s", false)));
    assertEquals(1, kitLookup.forHost("s", "a.b.internal.example.com").size());
    assertTrue(kitLookup.forHost("s", "api.github.com").stream().noneMatch(c -> c instanceof Credential.Header));
  }

  @Test
  void sandboxEnvironmentHoldsOnlySentinelsAndPlaceholders() {
    java.util.Map<String, String> env = SandboxEnvironment.forSandbox(store, ServiceCatalog.builtIn(), "dev");
    assertEquals(java.util.Map.of("GH_TOKEN", "proxy-managed", "GITHUB_TOKEN", "proxy-managed",
        "AMP_API_KEY", custom.placeholder()), env);
  }
}

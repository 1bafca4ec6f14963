package dev.sbx.reconciler.actuator.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.SecretBinding;
import dev.sbx.secrets.ServiceCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The egress and secret ports on the real proxy and real files (no VM). */
class ProxyEgressRulesTest {
  @TempDir Path tmp;

  @Test
  void setObserveHandAddedRuleAndRemoveOnTheRealProxy() {
    try (EgressProxy proxy = EgressProxy.start(EgressConfig.defaults().withIoThreads(1))) {
      ProxyEgressRules rules = new ProxyEgressRules(proxy);
      EgressSpec spec = new EgressSpec("deny-all", List.of("API.GitHub.com:443", "*.crates.io"), List.of("*.pastebin.com"));
      rules.set("dev", spec);
      assertEquals(spec, rules.enforced().get("dev"), "the manifest's spelling while the proxy holds exactly it");

      Path sock = new EgressListeners(proxy, tmp.resolve("egress")).ensure("dev");
      assertTrue(Files.exists(sock));
      assertEquals(sock, new EgressListeners(proxy, tmp.resolve("egress")).ensure("dev"), "idempotent");
      assertEquals(spec, rules.enforced().get("dev"), "binding the listener keeps the rules");

      RuleSet current = proxy.rules(SandboxId.of("dev")).orElseThrow();
      List<String> allow = new java.util.ArrayList<>(current.allow().stream().map(Object::toString).toList());
      allow.add("hand.example.com");
      proxy.setRules(SandboxId.of("dev"), RuleSet.of(current.mode(), allow,
          current.deny().stream().map(Object::toString).toList()));
      EgressSpec drifted = rules.enforced().get("dev");
      assertNotEquals(spec, drifted);
      assertTrue(drifted.allow().contains("hand.example.com"), drifted.toString());

      rules.set("dev", spec);
      assertEquals(spec, rules.enforced().get("dev"));
      rules.remove("dev");
      assertTrue(rules.enforced().isEmpty());
      assertTrue(proxy.bindings(SandboxId.of("dev")).isEmpty(), "listener closed");

      ActuatorException bad = assertThrows(ActuatorException.class,
          () -> rules.set("x", new EgressSpec("deny-all", List.of("*"), List.of())));
      assertEquals(ActuatorException.Kind.PERMANENT, bad.kind());
    }
  }

  @Test
  void secretBindingsPersistAndFeedTheInterceptor() {
    Path file = tmp.resolve("bindings.json");
    ServiceCatalog catalog = ServiceCatalog.builtIn();
    BoundSecrets secrets = new BoundSecrets(file, catalog::find);
    secrets.bind("dev", new SecretBinding("github", "github", List.of("api.github.com")));
    assertEquals(1, secrets.serviceBindings("dev").size());
    assertEquals("Authorization", secrets.serviceBindings("dev").get(0).headerName());
    assertEquals(List.of("api.github.com"), secrets.serviceBindings("dev").get(0).domains());

    BoundSecrets reloaded = new BoundSecrets(file, catalog::find);
    assertEquals(secrets.bound(), reloaded.bound(), "a restarted daemon injects the same");
    reloaded.unbind("dev", "github");
    assertTrue(reloaded.bound().isEmpty());
    assertTrue(reloaded.serviceBindings("dev").isEmpty());
    reloaded.unbind("dev", "github"); // idempotent
  }
}

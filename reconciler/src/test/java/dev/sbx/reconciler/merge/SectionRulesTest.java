package dev.sbx.reconciler.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.ArtifactFile;
import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.Setup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per section rule of docs/merge.md, on real corpus kits where they fit. */
class SectionRulesTest {
  @TempDir Path tmp;

  private static EffectiveKit merge(LoadedKit... kits) {
    return StackMerger.merge(StackRequest.of(List.of(kits)));
  }

  private static List<String> allow(EffectiveKit k) {
    return EffectiveKit.values(k.allow());
  }

  @Test
  void networkAllowAppendsAndDeduplicatesKeepingEveryOrigin() {
    LoadedKit claude = TestKits.corpus("claude");
    LoadedKit bun = TestKits.corpus("bun");
    LoadedKit biome = TestKits.corpus("biome");
    EffectiveKit k = merge(claude, bun, biome);
    for (String rule : claude.kit().network().allow()) {
      assertTrue(allow(k).contains(Fold.canonicalRule(rule)), rule);
    }
    assertEquals(1, allow(k).stream().filter("github.com"::equals).count());
    Provenanced<String> github = k.allow().stream().filter(p -> p.value().equals("github.com"))
        .findFirst().orElseThrow();
    assertEquals("kit bun", github.origin().owner());
    assertTrue(github.origin().where().contains("bun/spec.yaml:"), github.origin().where());
    assertEquals(List.of("kit biome"), github.overridden().stream().map(Origin::owner).toList());
    assertEquals(allow(k).stream().sorted().toList(), allow(k), "sets are sorted");
  }

  @Test
  void networkDenyAppendsFromAnyKitAndIsNeverDropped() {
    LoadedKit firewall = TestKits.corpus("cloudsmith-dependency-firewall");
    EffectiveKit k = merge(TestKits.corpus("claude"), TestKits.corpus("bun"), firewall);
    List<String> deny = EffectiveKit.values(k.deny());
    for (String rule : firewall.kit().network().deny()) {
      assertTrue(deny.contains(Fold.canonicalRule(rule)), rule);
    }
    assertTrue(deny.contains("pypi.org"));
    assertEquals("kit cloudsmith-dependency-firewall",
        k.deny().stream().filter(p -> p.value().equals("pypi.org")).findFirst().orElseThrow()
            .origin().owner());
  }

  @Test
  void credentialsUnionByServiceSortedByService() {
    EffectiveKit k = merge(TestKits.corpus("claude"), TestKits.corpus("cloudsmith"));
    List<String> services = k.credentials().stream().map(p -> p.value().service()).toList();
    assertEquals(List.of("anthropic", "cloudsmith"), services);
    assertEquals("kit cloudsmith", k.credentials().get(1).origin().owner());
  }

  @Test
  void sameCredentialServiceTwiceIsAnErrorNamingBothFiles() {
    LoadedKit claude = TestKits.corpus("claude");
    LoadedKit other = TestKits.load(tmp, "anthropic-too", TestKits.mixin("anthropic-too", """
        credentials:
          - service: anthropic
            apiKey: {name: ANTHROPIC_API_KEY}
        """));
    ManifestException e = assertThrows(ManifestException.class, () -> merge(claude, other));
    String msg = e.getMessage();
    assertTrue(msg.contains("credential \"anthropic\""), msg);
    assertTrue(msg.contains("claude/spec.yaml:"), msg);
    assertTrue(msg.contains("anthropic-too/spec.yaml:5:"), msg);
  }

  @Test
  void environmentLastWinsWithAWarningNamingBothOrigins() {
    LoadedKit a = TestKits.load(tmp, "env-a", TestKits.mixin("env-a", """
        environment:
          variables: {EDITOR: vi, ONLY_A: "1"}
        """));
    LoadedKit b = TestKits.load(tmp, "env-b", TestKits.mixin("env-b", """
        environment:
          variables: {EDITOR: nano}
        """));
    EffectiveKit k = merge(TestKits.corpus("claude"), a, b);
    Provenanced<String> editor = k.variables().get("EDITOR");
    assertEquals("nano", editor.value());
    assertEquals("kit env-b", editor.origin().owner());
    assertEquals("kit env-a", editor.overridden().get(0).owner());
    assertEquals("1", k.variables().get("ONLY_A").value());
    assertEquals(1, k.warnings().size());
    String warning = k.warnings().get(0).headline();
    assertTrue(warning.contains("env-b/spec.yaml:5:"), warning);
    assertTrue(warning.contains("env-a/spec.yaml:5:"), warning);
    assertEquals("nano", merge(TestKits.corpus("claude"), a, b).toKit().environment()
        .variables().get("EDITOR"));
    assertEquals("vi", merge(TestKits.corpus("claude"), b, a).toKit().environment()
        .variables().get("EDITOR"), "order decides");
  }

  @Test
  void sameValueTwiceIsNoWarning() {
    LoadedKit a = TestKits.load(tmp, "same-a", TestKits.mixin("same-a",
        "environment:\n  variables: {X: \"1\"}\n"));
    LoadedKit b = TestKits.load(tmp, "same-b", TestKits.mixin("same-b",
        "environment:\n  variables: {X: \"1\"}\n"));
    assertTrue(merge(TestKits.corpus("claude"), a, b).warnings().isEmpty());
  }

  @Test
  void installStartupAndInitFilesConcatenateInStackOrder() {
    LoadedKit bun = TestKits.corpus("bun");
    LoadedKit biome = TestKits.corpus("biome");
    LoadedKit s = TestKits.load(tmp, "starts", TestKits.mixin("starts", """
        setup:
          startup:
            - command: [echo, one]
          files:
            - path: /etc/one
              content: one
        """));
    LoadedKit base = TestKits.corpus("claude");
    EffectiveKit k = merge(base, bun, biome, s);
    List<String> installers = k.install().stream().map(p -> p.origin().owner()).toList();
    int baseInstalls = base.kit().setup().install().size();
    assertEquals(baseInstalls + 2, installers.size());
    assertEquals(List.of("kit bun", "kit biome"), installers.subList(baseInstalls,
        baseInstalls + 2));
    EffectiveKit reversed = merge(base, biome, bun, s);
    assertEquals(List.of("kit biome", "kit bun"), reversed.install().stream()
        .map(p -> p.origin().owner()).toList().subList(baseInstalls, baseInstalls + 2));
    Setup.Startup last = k.startup().get(k.startup().size() - 1).value();
    assertEquals(List.of("echo", "one"), last.command());
    assertEquals("/etc/one", k.initFiles().get(k.initFiles().size() - 1).value().path());
  }

  @Test
  void filesOverlayByTargetPathLaterWins() {
    Path a = TestKits.write(tmp, "files-a", TestKits.mixin("files-a", ""));
    TestKits.file(a, "home/.config/tool.toml", "from a");
    TestKits.file(a, "home/only-a", "a");
    Path b = TestKits.write(tmp, "files-b", TestKits.mixin("files-b", ""));
    TestKits.file(b, "home/.config/tool.toml", "from b");
    TestKits.file(b, "workspace/.config/tool.toml", "workspace");
    EffectiveKit k = merge(TestKits.corpus("claude"),
        dev.sbx.schemas.KitLoader.defaults().load(a), dev.sbx.schemas.KitLoader.defaults().load(b));
    List<String> keys = k.files().stream().map(p -> p.value().key()).toList();
    assertEquals(List.of("home:.config/tool.toml", "home:only-a",
        "workspace:.config/tool.toml"), keys);
    Provenanced<ArtifactFile> tool = k.files().get(0);
    assertEquals("from b", new String(tool.value().content(), StandardCharsets.UTF_8));
    assertEquals("kit files-b", tool.origin().owner());
    assertTrue(tool.origin().where().endsWith("files-b/files/home/.config/tool.toml:1:1"),
        tool.origin().where());
    assertEquals("kit files-a", tool.overridden().get(0).owner());
  }

  @Test
  void portsAppendEvenTheSameContainerPort() {
    LoadedKit a = TestKits.load(tmp, "port-a", TestKits.mixin("port-a",
        "ports:\n  - {container: 8080, name: web}\n"));
    LoadedKit b = TestKits.load(tmp, "port-b", TestKits.mixin("port-b",
        "ports:\n  - {container: 8080, name: other}\n  - {container: 22}\n"));
    EffectiveKit k = merge(TestKits.corpus("claude"), a, b);
    assertEquals(List.of(8080, 8080, 22), k.ports().stream().map(p -> p.value().container())
        .toList());
    assertEquals("kit port-b", k.ports().get(1).origin().owner());
  }

  @Test
  void volumesUnionLastWinsPerPath() {
    LoadedKit a = TestKits.load(tmp, "vol-a", TestKits.mixin("vol-a",
        "volumes:\n  - {path: /data, size: 1g}\n  - {path: /cache}\n"));
    LoadedKit b = TestKits.load(tmp, "vol-b", TestKits.mixin("vol-b",
        "volumes:\n  - {path: /data, size: 5g}\n"));
    EffectiveKit k = merge(BuiltinKits.find("shell").orElseThrow(), a, b);
    assertEquals(List.of("/cache", "/data"), k.volumes().stream().map(p -> p.value().path())
        .toList());
    assertEquals("5g", k.volumes().get(1).value().size());
    assertEquals("kit vol-a", k.volumes().get(1).overridden().get(0).owner());
  }

  @Test
  void privilegedIsOred() {
    LoadedKit p = TestKits.load(tmp, "priv", TestKits.mixin("priv",
        "security:\n  privileged: true\n"));
    LoadedKit n = TestKits.load(tmp, "plain", TestKits.mixin("plain", ""));
    assertTrue(merge(TestKits.corpus("claude"), p, n).toKit().privileged());
    assertFalse(merge(TestKits.corpus("claude"), n).toKit().privileged());
  }

  @Test
  void instructionsKeepTheBaseAndAddEachMixinUnderItsName() {
    EffectiveKit k = merge(TestKits.corpus("claude"), TestKits.corpus("bun"));
    String content = k.toKit().agentInstructions().content();
    assertTrue(content.contains("## Kit bun\n\n## Bun"), content);
  }

  @Test
  void extendsFoldsTheParentFirstAndTheChildWins() {
    LoadedKit child = TestKits.load(tmp, "my-claude", TestKits.sandbox("my-claude",
        "example.com/my-claude:1", """
        extends: claude
        permissions:
          network:
            allow: [api.example.com]
        """));
    EffectiveKit k = merge(child);
    assertEquals("example.com/my-claude:1", k.image().value());
    assertEquals("kit claude", k.image().overridden().get(0).owner());
    assertTrue(k.image().overridden().get(0).where().startsWith("builtin:claude/spec.yaml:"));
    assertTrue(allow(k).contains("api.anthropic.com:443"), "parent allows kept");
    assertTrue(allow(k).contains("api.example.com"));
    assertEquals(List.of("claude", "my-claude"), k.stack().stream().map(StackMember::name)
        .toList());
    assertEquals(StackMember.Role.EXTENDS, k.stack().get(0).role());
    assertEquals("my-claude", k.name().value());
  }

  @Test
  void lockedValueCannotBeChangedByAChildButMayBeRepeated() {
    LoadedKit sample = TestKits.corpus("spec-testdata-sample-agent-v2");
    String image = sample.kit().sandbox().image();
    LoadedKit same = TestKits.load(tmp, "same", TestKits.sandbox("same", "\"" + image + "\"",
        "extends: sample-agent-v2\n"));
    EffectiveKit ok = merge(sample, same);
    assertEquals(image, ok.image().value());
    LoadedKit changes = TestKits.load(tmp, "changes", TestKits.sandbox("changes",
        "example.com/other:1", "extends: sample-agent-v2\n"));
    ManifestException e = assertThrows(ManifestException.class, () -> merge(sample, changes));
    String msg = e.getMessage();
    assertTrue(msg.contains("changes/spec.yaml:5:"), msg);
    assertTrue(msg.contains("sandbox.image"), msg);
    assertTrue(msg.contains("spec-testdata-sample-agent-v2/spec.yaml:9:"), msg);
  }

  @Test
  void v1LockedSpellingLocksTheCanonicalPath() {
    LoadedKit base = TestKits.load(tmp, "v1base", """
        schemaVersion: "1"
        kind: agent
        name: v1base
        locked: [network.allowedDomains]
        agent:
          image: example.com/base:1
        network:
          allowedDomains: [api.example.com]
        """);
    LoadedKit widen = TestKits.load(tmp, "widen", TestKits.mixin("widen",
        "permissions:\n  network:\n    allow: [evil.example.net]\n"));
    ManifestException e = assertThrows(ManifestException.class, () -> merge(base, widen));
    assertTrue(e.getMessage().contains("permissions.network.allow"), e.getMessage());
    assertTrue(e.getMessage().contains("widen/spec.yaml:6:"), e.getMessage());
  }

  @Test
  void v1AndV2KitsStackTogetherWithOriginsInTheV1Spelling() {
    EffectiveKit k = merge(TestKits.corpus("spec-testdata-sample-agent"), TestKits.corpus("bun"),
        TestKits.corpus("spec-testdata-sample-mixin"));
    Provenanced<String> wildcard = k.allow().stream().filter(p -> p.value().equals("*.example.org"))
        .findFirst().orElseThrow();
    assertTrue(wildcard.origin().where().endsWith("spec-testdata-sample-mixin/spec.yaml:10:7"),
        wildcard.origin().where());
    Provenanced<Credential> example = k.credentials().stream()
        .filter(p -> p.value().service().equals("example")).findFirst().orElseThrow();
    assertEquals("kit sample-mixin", example.origin().owner());
    assertEquals(List.of("sample-agent", "bun", "sample-mixin"), k.stack().stream()
        .map(StackMember::name).toList());
    assertEquals("/home/agent/.sample", k.variables().get("SAMPLE_HOME").value());
    assertTrue(EffectiveKit.values(k.proxyManaged()).contains("SAMPLE_PROXY_TOKEN")
        || k.credentials().stream().anyMatch(c -> c.value().apiKey() != null
            && c.value().apiKey().proxyManaged()));
  }

  @Test
  void nothingSetMeansNothingInherited() {
    EffectiveKit k = merge(TestKits.corpus("claude"));
    assertNull(k.privileged());
    assertTrue(k.ports().isEmpty());
    assertTrue(k.warnings().isEmpty());
    Credential anthropic = k.credentials().get(0).value();
    assertEquals("anthropic", anthropic.service());
  }
}

package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.schemas.model.LoadedManifest;
import dev.sbx.schemas.model.NetworkPolicyManifest;
import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.SandboxManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {
  @TempDir Path tmp;

  private static final String BOTH = """
      apiVersion: sbx/v1
      kind: Sandbox
      metadata: {name: api-dev}
      spec:
        agent: claude
        kits: [./kits/rust, "git+https://github.com/org/kits.git#ref=v1&dir=node"]
        workspace: /srv/work/api
        mounts: [{path: /srv/docs, readOnly: true}]
        resources: {cpus: 2, memory: 2g}
        secrets: [github]
        policy: team-default
        drift: correct
      ---
      apiVersion: sbx/v1
      kind: NetworkPolicy
      metadata: {name: team-default}
      spec:
        default: deny-all
        allow: ["api.github.com:443", "*.crates.io"]
        deny: ["*.pastebin.com"]
      """;

  @Test
  void loadsTheDesignExample() throws IOException {
    Path file = Files.writeString(tmp.resolve("sbx.yaml"), BOTH);
    List<LoadedManifest> docs = ManifestLoader.defaults().load(file);
    assertEquals(2, docs.size());
    SandboxManifest sandbox = (SandboxManifest) docs.get(0).manifest();
    assertEquals(new SandboxManifest("api-dev", "claude",
        List.of("./kits/rust", "git+https://github.com/org/kits.git#ref=v1&dir=node"),
        "/srv/work/api", List.of(new SandboxManifest.Mount("/srv/docs", true)),
        new SandboxManifest.Resources(2, "2g"), List.of("github"), "team-default",
        SandboxManifest.Drift.CORRECT), sandbox);
    NetworkPolicyManifest policy = (NetworkPolicyManifest) docs.get(1).manifest();
    assertEquals(NetworkPolicyManifest.DefaultMode.DENY_ALL, policy.defaultMode());
    assertEquals(List.of("api.github.com:443", "*.crates.io"), policy.allow());
    assertEquals(1, docs.get(1).documentIndex());
    assertEquals(new Position(19, 3), docs.get(1).positions().at("/spec/allow").orElseThrow());
    assertEquals(new Position(19, 33), docs.get(1).positions().at("/spec/allow/1").orElseThrow());
  }

  @Test
  void oneBadDocumentFailsTheFileWithItsLine() throws IOException {
    Path file = Files.writeString(tmp.resolve("bad.yaml"),
        BOTH.replace("default: deny-all", "default: deny-most").replace("drift: correct",
            "drift: sometimes"));
    ManifestException e = assertThrows(ManifestException.class,
        () -> ManifestLoader.defaults().load(file));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertEquals(12, e.problems().get(0).position().line());
    assertEquals(18, e.problems().get(1).position().line());
  }

  @Test
  void unknownKindAndKitSpecsAreNamed() throws IOException {
    Path file = Files.writeString(tmp.resolve("k.yaml"),
        "apiVersion: sbx/v1\nkind: Gadget\nmetadata: {name: x}\nspec: {}\n---\n"
            + "schemaVersion: \"2\"\nkind: mixin\nname: x\n");
    ManifestException e = assertThrows(ManifestException.class,
        () -> ManifestLoader.defaults().load(file));
    assertTrue(e.problems().get(0).message().contains("unknown kind Gadget"));
    assertEquals(2, e.problems().get(0).position().line());
    assertTrue(e.problems().get(1).message().contains("kit spec"));
    assertEquals(6, e.problems().get(1).position().line());
  }
}

package dev.sbx.reconciler.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DriftMode;
import dev.sbx.reconciler.merge.KitAllows;
import dev.sbx.schemas.ManifestException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredCompilerTest {
  @TempDir Path tmp;

  private final DesiredCompiler compiler = new DesiredCompiler(
      s -> s.equals("github") ? List.of("api.github.com", "github.com") : List.of());

  private CompiledState compile(GitOpsDir dir) {
    return compiler.compileDirectory(dir.root, KitAllows.ALLOW);
  }

  private DesiredSandbox only(CompiledState c) {
    assertEquals(1, c.desired().sandboxes().size());
    return c.desired().sandboxes().get(0);
  }

  @Test
  void splitsImmutableAndLiveFields() {
    GitOpsDir dir = new GitOpsDir(tmp);
    CompiledState c = compile(dir);
    DesiredSandbox d = only(c);
    assertEquals("dev", d.name());
    assertEquals("shell", d.agent());
    assertEquals("dir:" + tmp.toAbsolutePath().normalize(), c.desired().source().id());
    assertTrue(d.immutable().imageRef().startsWith("sbx/minimal:latest+files@"), d.immutable().imageRef());
    assertEquals(List.of("echo install-v1"), d.immutable().installCommands());
    assertEquals(2, d.immutable().resources().cpus());
    assertEquals(1024, d.immutable().resources().memoryMib());
    assertEquals(tmp.resolve("ws-dev").toAbsolutePath().normalize().toString(), d.immutable().workspace(),
        "a relative workspace is relative to the manifest");
    assertEquals("deny-all", d.live().egress().defaultMode());
    assertEquals(List.of("api.github.com:443"), d.live().egress().allow());
    assertEquals(Map.of("TOOLS", "1"), d.live().env());
    assertEquals(List.of("sleep 1"), d.live().startup());
    assertEquals("github", d.live().secrets().get(0).service());
    assertEquals(List.of("api.github.com", "github.com"), d.live().secrets().get(0).domains());
    assertEquals(DriftMode.CORRECT, d.drift());
    assertTrue(d.provenance().location().contains("sandbox-dev.yaml:3"), d.provenance().location());

    GuestPayload p = c.payload("dev");
    assertEquals("/home/agent/notes.txt", p.files().get(0).guestPath());
    assertEquals("hello v1", new String(p.files().get(0).content()));
    assertTrue(p.install().get(0).root(), "install runs as root unless a user is given");
    assertEquals("sleep 1", p.startup().get(0).shell());
  }

  @Test
  void aPolicyEditChangesOnlyTheLiveHash() {
    GitOpsDir dir = new GitOpsDir(tmp);
    DesiredSandbox before = only(compile(dir));
    dir.policy("team", "deny-all", "api.github.com:443", "*.crates.io");
    DesiredSandbox after = only(compile(dir));
    assertEquals(before.immutableHash(), after.immutableHash());
    assertNotEquals(before.liveHash(), after.liveHash());
  }

  @Test
  void anInstallOrFileEditChangesTheImmutableHash() {
    GitOpsDir dir = new GitOpsDir(tmp);
    DesiredSandbox before = only(compile(dir));
    dir.kit("tools", "echo install-v2", "hello v1");
    DesiredSandbox install = only(compile(dir));
    assertNotEquals(before.immutableHash(), install.immutableHash());
    dir.kit("tools", "echo install-v2", "hello v2");
    DesiredSandbox file = only(compile(dir));
    assertNotEquals(install.immutableHash(), file.immutableHash());
    assertEquals(install.liveHash(), file.liveHash());
  }

  @Test
  void compilingTwiceGivesTheSameHashes() {
    GitOpsDir dir = new GitOpsDir(tmp);
    assertEquals(compile(dir).desired().fingerprint(), compile(dir).desired().fingerprint());
  }

  @Test
  void noPolicyMeansBalanced() {
    GitOpsDir dir = new GitOpsDir(tmp);
    dir.write("sandbox-dev.yaml", "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: dev}\nspec:\n  agent: shell\n");
    DesiredSandbox d = only(compile(dir));
    assertEquals("balanced", d.live().egress().defaultMode());
    assertEquals("", d.immutable().workspace());
    assertEquals(DesiredCompiler.DEFAULT_MEMORY_MIB, d.immutable().resources().memoryMib());
  }

  @Test
  void badInputAnywhereIsAManifestExceptionWithFileAndLine() {
    GitOpsDir dir = new GitOpsDir(tmp);
    dir.write("sandbox-dev.yaml", "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: dev}\nspec:\n  agent: shell\n"
        + "  resources: {memory: lots}\n");
    ManifestException e = assertThrows(ManifestException.class, () -> compile(dir));
    assertTrue(e.getMessage().contains("sandbox-dev.yaml:6"), e.getMessage());

    GitOpsDir other = new GitOpsDir(tmp.resolve("b"));
    other.write("broken.yaml", "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: x}\nspec: {agent: shell, nope: 1}\n");
    ManifestException e2 = assertThrows(ManifestException.class, () -> compile(other));
    assertTrue(e2.getMessage().contains("broken.yaml:"), e2.getMessage());
  }

  @Test
  void aNetworkRuleTheProxyWouldRefuseIsBadInputAtItsLine() {
    GitOpsDir dir = new GitOpsDir(tmp);
    dir.policy("team", "deny-all", "api.github.com:443", "*.io");
    ManifestException e = assertThrows(ManifestException.class, () -> compile(dir));
    assertTrue(e.getMessage().contains("policy-team.yaml:8:7"), e.getMessage());
    assertTrue(e.getMessage().contains("*.io") && e.getMessage().contains("top-level"), e.getMessage());
  }

  @Test
  void proxyManagedKeysAreTheSentinelInTheGuestNeverAValue() {
    GitOpsDir dir = new GitOpsDir(tmp);
    dir.write("kits/tools/spec.yaml", "schemaVersion: \"2\"\nkind: mixin\nname: tools\n"
        + "environment:\n  variables:\n    EXPLICIT_KEY: mine\n"
        + "credentials:\n"
        + "  - service: azure\n    apiKey:\n      name: AZURE_OPENAI_API_KEY\n      proxyManaged: true\n"
        + "      inject:\n        - domain: \"*.openai.azure.com\"\n          header: api-key\n          format: \"%s\"\n"
        + "  - service: other\n    apiKey:\n      name: EXPLICIT_KEY\n      proxyManaged: true\n"
        + "      inject:\n        - domain: api.example.com\n          header: x-key\n          format: \"%s\"\n"
        + "  - service: plain\n    apiKey:\n      name: NOT_MANAGED\n"
        + "      inject:\n        - domain: api.example.com\n          header: x-key\n          format: \"%s\"\n");
    Map<String, String> env = only(compile(dir)).live().env();
    assertEquals("proxy-managed", env.get("AZURE_OPENAI_API_KEY"));
    assertEquals("mine", env.get("EXPLICIT_KEY"), "a variable the kit sets keeps its value");
    assertNull(env.get("NOT_MANAGED"), "only proxy-managed keys get the sentinel");
  }

  @Test
  void setupFilesBecomeGuestFilesWithTheWorkdirFilledIn() {
    GitOpsDir dir = new GitOpsDir(tmp);
    dir.write("kits/tools/spec.yaml", "schemaVersion: \"2\"\nkind: mixin\nname: tools\n"
        + "setup:\n  files:\n    - path: /etc/profile.d/work.sh\n      content: \"cd ${WORKDIR}\"\n      mode: \"0755\"\n");
    CompiledState c = compile(dir);
    GuestPayload.File f = c.payload("dev").files().stream()
        .filter(x -> x.guestPath().equals("/etc/profile.d/work.sh")).findFirst().orElseThrow();
    assertEquals("cd " + tmp.resolve("ws-dev").toAbsolutePath().normalize(), new String(f.content()));
    assertEquals(0755, f.mode());
  }

  @Test
  void memorySizes() {
    assertEquals(512, DesiredCompiler.memoryMib("512m").getAsLong());
    assertEquals(2048, DesiredCompiler.memoryMib("2g").getAsLong());
    assertEquals(2048, DesiredCompiler.memoryMib("2Gi").getAsLong());
    assertTrue(DesiredCompiler.memoryMib("lots").isEmpty());
    assertNull(null);
  }
}

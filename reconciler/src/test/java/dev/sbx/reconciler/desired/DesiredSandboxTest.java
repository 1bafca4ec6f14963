package dev.sbx.reconciler.desired;

import static dev.sbx.reconciler.Fixtures.sandbox;
import static dev.sbx.reconciler.Fixtures.withAllow;
import static dev.sbx.reconciler.Fixtures.withInstall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sbx.reconciler.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredSandboxTest {

  @Test
  void hashesAreStableAcrossRunsAndVersions() {
    // Pinned: a change here changes every VM label and forces every sandbox to be replaced.
    DesiredSandbox s = sandbox("api-dev");
    assertEquals(CanonicalJson.hash(s.immutableFields()), s.immutableHash());
    assertEquals(
        "{\"agent\":\"claude\",\"image\":\"sbx/claude:1\",\"install\":[\"apt-get install -y ripgrep\"],"
            + "\"kernel\":\"debian-cloud-6.1\",\"mounts\":[{\"path\":\"/srv/docs\",\"readOnly\":true}],"
            + "\"resources\":{\"cpus\":2,\"memoryMib\":2048},\"workspace\":\"/srv/work/api-dev\"}",
        CanonicalJson.encode(s.immutableFields()));
    assertEquals(CanonicalJson.sha256(CanonicalJson.encode(s.immutableFields())), s.immutableHash());
  }

  @Test
  void setsAndMapsDoNotDependOnOrder() {
    DesiredSandbox a = withAllow(sandbox("a"), "x.example.com", "api.github.com:443", "x.example.com");
    DesiredSandbox b = withAllow(sandbox("a"), "api.github.com:443", "x.example.com");
    assertEquals(a.liveHash(), b.liveHash());
    Map<String, String> env1 = new LinkedHashMap<>();
    env1.put("A", "1");
    env1.put("B", "2");
    Map<String, String> env2 = new LinkedHashMap<>();
    env2.put("B", "2");
    env2.put("A", "1");
    LiveSpec l = a.live();
    assertEquals(
        Fixtures.withLive(a, new LiveSpec(l.egress(), l.secrets(), env1, l.startup())).liveHash(),
        Fixtures.withLive(a, new LiveSpec(l.egress(), l.secrets(), env2, l.startup())).liveHash());
    ImmutableSpec i = a.immutable();
    var m1 = new ImmutableSpec(i.imageRef(), i.kernel(), i.installCommands(), i.resources(), i.workspace(),
        List.of(new Mount("/a", true), new Mount("/b", false)));
    var m2 = new ImmutableSpec(i.imageRef(), i.kernel(), i.installCommands(), i.resources(), i.workspace(),
        List.of(new Mount("/b", false), new Mount("/a", true)));
    assertEquals(CanonicalJson.hash(m1.canonicalFields()), CanonicalJson.hash(m2.canonicalFields()));
  }

  @Test
  void installAndStartupKeepTheirOrder() {
    assertNotEquals(withInstall(sandbox("a"), "one", "two").immutableHash(),
        withInstall(sandbox("a"), "two", "one").immutableHash());
    LiveSpec l = sandbox("a").live();
    assertNotEquals(
        Fixtures.withLive(sandbox("a"), new LiveSpec(l.egress(), l.secrets(), l.env(), List.of("x", "y"))).liveHash(),
        Fixtures.withLive(sandbox("a"), new LiveSpec(l.egress(), l.secrets(), l.env(), List.of("y", "x"))).liveHash());
  }

  @Test
  void liveChangesLeaveTheImmutableHashAlone() {
    DesiredSandbox a = sandbox("a");
    DesiredSandbox b = withAllow(a, "crates.io");
    assertEquals(a.immutableHash(), b.immutableHash());
    assertNotEquals(a.liveHash(), b.liveHash());
    DesiredSandbox c = withInstall(a, "make");
    assertEquals(a.liveHash(), c.liveHash());
    assertNotEquals(a.immutableHash(), c.immutableHash());
  }

  @Test
  void provenanceAndDriftModeAreNotHashed() {
    DesiredSandbox a = sandbox("a");
    DesiredSandbox b = new DesiredSandbox("a", a.agent(), a.immutable(), a.live(), DriftMode.WARN,
        new Provenance("git:x", "y:1"));
    assertEquals(a.specHash(), b.specHash());
  }

  @Test
  void rejectsBadNamesAndDuplicates() {
    assertThrows(IllegalArgumentException.class, () -> sandbox("../etc"));
    assertThrows(IllegalArgumentException.class, () -> sandbox("Upper"));
    assertThrows(IllegalArgumentException.class, () -> Fixtures.state("r1", sandbox("a"), sandbox("a")));
    LiveSpec l = sandbox("a").live();
    assertThrows(IllegalArgumentException.class, () -> new LiveSpec(l.egress(),
        List.of(new SecretBinding("github", "a", List.of()), new SecretBinding("github", "b", List.of())),
        l.env(), l.startup()));
  }

  @Test
  void jsonRoundTripKeepsEverything() {
    DesiredSandbox s = sandbox("api-dev");
    assertEquals(s, DesiredJson.read(DesiredJson.write(s)));
  }

  @Test
  void canonicalJsonEscapesControlCharacters() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", CanonicalJson.encode("a\"b\\c\n\u0001"));
  }
}

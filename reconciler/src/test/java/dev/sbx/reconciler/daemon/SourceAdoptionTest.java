package dev.sbx.reconciler.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.Fixtures;
import dev.sbx.reconciler.compile.GuestPayload;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.ImmutableSpec;
import dev.sbx.reconciler.desired.Mount;
import dev.sbx.reconciler.desired.Provenance;
import dev.sbx.reconciler.desired.SourceRef;
import dev.sbx.reconciler.state.Inventory;
import dev.sbx.reconciler.state.SandboxRecord;
import dev.sbx.schemas.ManifestException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Which daemon source a checkout compiled on a CI runner stands for, and the wire format it travels in. */
class SourceAdoptionTest {
  private static final String RUNNER = "dir:/home/runner/work/fleet/gitops";

  /** The fixture sandbox as the runner compiles it: workspace and a mount inside its checkout. */
  private static DesiredSandbox onRunner(String name) {
    DesiredSandbox s = Fixtures.sandbox(name);
    ImmutableSpec i = s.immutable();
    return new DesiredSandbox(name, s.agent(), new ImmutableSpec(i.imageRef(), i.kernel(), i.installCommands(),
        i.resources(), "/home/runner/work/fleet/gitops/ws-" + name,
        List.of(new Mount("/home/runner/work/fleet/gitops/docs", true), new Mount("/srv/shared", false))),
        s.live(), s.drift(), new Provenance(RUNNER, "sandbox-" + name + ".yaml:1"));
  }

  private static DesiredState checkout(String... names) {
    List<DesiredSandbox> list = java.util.Arrays.stream(names).map(SourceAdoptionTest::onRunner).toList();
    return DesiredState.of(new SourceRef(RUNNER, DesiredState.fingerprint(RUNNER, list)), list);
  }

  private static Inventory records(String... nameAndSource) {
    Map<String, SandboxRecord> map = new java.util.HashMap<>();
    for (int i = 0; i < nameAndSource.length; i += 2) {
      map.put(nameAndSource[i], new SandboxRecord(nameAndSource[i], nameAndSource[i + 1], true, Optional.empty(), "r1",
          Instant.EPOCH));
    }
    return new Inventory(map);
  }

  @Test
  void theSourceThatRecordedTheSandboxesIsAdoptedAndPathsInTheCheckoutAreRebased() {
    DesiredState adopted = SourceAdoption.adopt(checkout("api", "web"),
        records("api", "dir:/srv/gitops", "web", "dir:/srv/gitops", "other", "git:https://github.com/o/r.git#main"),
        Optional.empty());
    assertEquals("dir:/srv/gitops", adopted.source().id());
    DesiredSandbox api = adopted.sandboxes().get(0);
    assertEquals("/srv/gitops/ws-api", api.immutable().workspace());
    assertEquals(List.of("/srv/gitops/docs", "/srv/shared"), api.immutable().mounts().stream().map(Mount::path).toList());
    assertEquals("dir:/srv/gitops", api.provenance().source());
    assertEquals(DesiredState.fingerprint("dir:/srv/gitops", adopted.sandboxes()), adopted.source().revision());
  }

  @Test
  void aGitSourceKeepsThePathsAndTheOnlySourceIsUsedForRenamedSandboxes() {
    DesiredState adopted = SourceAdoption.adopt(checkout("renamed"), records("old", "git:https://github.com/o/r.git#main"),
        Optional.empty());
    assertEquals("git:https://github.com/o/r.git#main", adopted.source().id());
    assertEquals("/home/runner/work/fleet/gitops/ws-renamed", adopted.sandboxes().get(0).immutable().workspace());
  }

  @Test
  void anEmptyDaemonComparesTheCheckoutAsItselfAndAnExplicitSourceWins() {
    DesiredState c = checkout("api");
    assertEquals(RUNNER, SourceAdoption.adopt(c, Inventory.empty(), Optional.empty()).source().id());
    assertEquals("dir:/elsewhere", SourceAdoption.adopt(c, records("api", "dir:/srv/gitops"), Optional.of("dir:/elsewhere"))
        .source().id());
  }

  @Test
  void severalCandidateSourcesAreAUserErrorAskingForSource() {
    var e = assertThrows(ManifestException.class, () -> SourceAdoption.adopt(checkout("api", "web"),
        records("api", "dir:/srv/a", "web", "dir:/srv/b"), Optional.empty()));
    String message = e.problems().get(0).render();
    assertTrue(message.contains("dir:/srv/a") && message.contains("dir:/srv/b") && message.contains("--source"), message);
  }

  @Test
  void theWireFormatRoundTripsStatePayloadsAndFlags() {
    DesiredState state = checkout("api");
    GuestPayload payload = new GuestPayload(List.of(new GuestPayload.File("/home/agent/notes.txt",
        "hé\u0000".getBytes(StandardCharsets.UTF_8), 0644)), List.of(new GuestPayload.Command("i", "echo i", true)),
        List.of(new GuestPayload.Command(null, "echo s", false)));
    DesiredWire wire = new DesiredWire(state, Map.of("api", payload), Optional.of("dir:/srv/gitops"));
    String json = wire.toJson(new ReconcileRequest("", true, false, true, true, false, "intersect"));
    var node = JsonMapper.shared().readTree(json);
    assertTrue(DesiredWire.carriedBy(node));
    assertTrue(node.get("prune").asBoolean() && node.get("exitCode").asBoolean());
    DesiredWire back = DesiredWire.read(node);
    assertEquals(state, back.desired());
    assertEquals(Optional.of("dir:/srv/gitops"), back.source());
    GuestPayload p = back.payloads().get("api");
    assertArrayEquals(payload.files().get(0).content(), p.files().get(0).content());
    assertEquals(0644, p.files().get(0).mode());
    assertEquals(payload.install(), p.install());
    assertEquals(payload.startup(), p.startup());
  }
}

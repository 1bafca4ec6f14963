package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.actuator.EgressRules;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.state.SandboxRecord;
import dev.sbx.reconciler.state.StateStore;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sbx ls -o json|yaml}: each sandbox the daemon's runtime holds, with who manages it and
 * whether it drifted. The keys of {@link SandboxJson} stay (older clients) and these are added (the
 * stable fields documented in docs/policy-cli.md): {@code state}, {@code managedBy} ({@code source |
 * cli | unmanaged}), {@code source}, {@code image}, {@code memoryMib}, {@code createdAt},
 * {@code drift} (boolean) and {@code driftDetails} (lines such as {@code changed outside git:
 * allow api.example.com added by sbx policy allow at …}).
 */
final class SandboxListing {
  private final dev.sbx.vm.api.SandboxRuntime vm;
  private final EgressRules egress;
  private final StateStore records;
  private final ImperativeLedger ledger;
  private final DriftNotes notes;

  SandboxListing(dev.sbx.vm.api.SandboxRuntime vm, EgressRules egress, StateStore records, ImperativeLedger ledger,
      DriftNotes notes) {
    this.vm = vm;
    this.egress = egress;
    this.records = records;
    this.ledger = ledger;
    this.notes = notes;
  }

  ArrayNode list() {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    Map<String, EgressSpec> enforced = egress.enforced();
    for (SandboxInfo s : vm.list()) {
      out.add(one(s, enforced));
    }
    return out;
  }

  private ObjectNode one(SandboxInfo s, Map<String, EgressSpec> enforced) {
    ObjectNode n = SandboxJson.of(s);
    Optional<SandboxRecord> record = records.get(s.name()).filter(r -> r.applied().isPresent());
    Optional<DesiredSandbox> applied = record.flatMap(SandboxRecord::applied);
    String managedBy = record.isPresent() ? "source"
        : ledger.cli(s.name()).isPresent() || s.owner().startsWith(ImperativeSandboxes.OWNER) ? "cli" : "unmanaged";
    n.put("state", s.state().name().toLowerCase(Locale.ROOT));
    n.put("managedBy", managedBy);
    n.put("source", record.map(SandboxRecord::source).orElse(managedBy.equals("cli") ? "cli" : null));
    n.put("image", applied.map(a -> a.immutable().imageRef()).orElse(s.labels().getOrDefault("image", null)));
    n.put("createdAt", s.labels().getOrDefault("created-at", null));
    List<String> drift = new ArrayList<>();
    if (applied.isPresent()) {
      DesiredSandbox a = applied.get();
      if (!a.immutableHash().equals(s.specHash())) {
        drift.add("changed outside git: VM rebuilt from another spec (" + s.specHash() + ")");
      }
      if (a.drift() != dev.sbx.reconciler.desired.DriftMode.IGNORE) {
        EgressSpec have = enforced.get(s.name());
        if (!a.live().egress().equals(have)) {
          drift.addAll(notes.egress(s.name(), a.live().egress(), have));
        }
      }
      if (s.state() != SandboxState.RUNNING) {
        drift.add("changed outside git: " + s.state().name().toLowerCase(Locale.ROOT) + " (the source wants it running)");
      }
    }
    n.put("drift", !drift.isEmpty());
    drift.forEach(n.putArray("driftDetails")::add);
    return n;
  }
}

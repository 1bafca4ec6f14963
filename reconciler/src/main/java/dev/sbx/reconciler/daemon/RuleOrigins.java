package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.merge.EgressRule;
import dev.sbx.reconciler.merge.KitAllows;
import dev.sbx.reconciler.merge.ResolvedSandbox;
import dev.sbx.reconciler.merge.SandboxStacks;
import dev.sbx.reconciler.state.SandboxRecord;
import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.KitSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each rule of a GitOps-managed sandbox was written ({@code policy team (policy.yaml:9:7)},
 * {@code kit claude (spec.yaml:40:5)}), for {@code sbx policy ls}. The state record keeps the
 * applied rules as plain strings, so the origins come from resolving the source directory again;
 * when that is not possible (a git source's checkout, a directory that moved or no longer loads)
 * every rule is attributed to the source and the Sandbox manifest's location.
 *
 * <p>Keys: {@code default}, {@code allow:RULE}, {@code deny:RULE}.
 */
final class RuleOrigins {
  private RuleOrigins() {}

  static Map<String, String> of(SandboxRecord record) {
    Map<String, String> out = new HashMap<>();
    String fallback = "source " + record.source() + record.applied()
        .map(a -> " (" + a.provenance().location() + ")").orElse("");
    record.applied().ifPresent(a -> {
      out.put("default", fallback);
      a.live().egress().allow().forEach(r -> out.put("allow:" + r, fallback));
      a.live().egress().deny().forEach(r -> out.put("deny:" + r, fallback));
    });
    if (!record.source().startsWith("dir:")) {
      return out;
    }
    Path dir = Path.of(record.source().substring(4));
    if (!Files.exists(dir)) {
      return out;
    }
    try {
      for (ResolvedSandbox r : SandboxStacks.resolveDirectory(dir, KitLoader.defaults(), KitSources.defaults(),
          KitAllows.ALLOW)) {
        if (!r.sandbox().name().equals(record.name())) {
          continue;
        }
        if (r.egress().mode() != null) {
          out.put("default", r.egress().mode().origin().toString());
        } else {
          out.put("default", "installation default (no policy named)");
        }
        for (EgressRule rule : r.egress().allow()) {
          out.put("allow:" + rule.pattern(), rule.rule().origin().toString());
        }
        for (EgressRule rule : r.egress().deny()) {
          out.put("deny:" + rule.pattern(), rule.rule().origin().toString());
        }
      }
    } catch (RuntimeException e) {
      // the directory no longer loads: keep the fallback attribution
    }
    return out;
  }
}

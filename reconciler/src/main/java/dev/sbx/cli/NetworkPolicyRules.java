package dev.sbx.cli;

import dev.sbx.egress.api.InvalidRuleException;
import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.Rule;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.ManifestLoader;
import dev.sbx.schemas.model.LoadedManifest;
import dev.sbx.schemas.model.NetworkPolicyManifest;
import dev.sbx.schemas.model.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The egress rules of a NetworkPolicy manifest file, for {@code sbx egress serve --policy FILE}:
 * the file must hold exactly one {@code kind: NetworkPolicy}; every bad rule is reported at its
 * own line ({@code FILE:LINE:COL}, pointer {@code /spec/allow/N}) through {@link ManifestException}.
 */
final class NetworkPolicyRules {
  private NetworkPolicyRules() {}

  static RuleSet load(Path file) {
    List<LoadedManifest> docs = ManifestLoader.defaults().load(file);
    List<LoadedManifest> policies = docs.stream()
        .filter(d -> d.manifest() instanceof NetworkPolicyManifest).toList();
    if (policies.size() != 1) {
      throw new ManifestException(new Problem(docs.isEmpty() ? null : docs.get(0).file(), null, "",
          "expected exactly one NetworkPolicy document, found " + policies.size(),
          "give sbx egress serve a file with one kind: NetworkPolicy"));
    }
    return of(policies.get(0));
  }

  static RuleSet of(LoadedManifest loaded) {
    NetworkPolicyManifest np = (NetworkPolicyManifest) loaded.manifest();
    List<Problem> problems = new ArrayList<>();
    List<Rule> allow = parse(np.allow(), "/spec/allow", loaded, problems);
    List<Rule> deny = parse(np.deny(), "/spec/deny", loaded, problems);
    if (!problems.isEmpty()) {
      throw new ManifestException(problems);
    }
    return new RuleSet(Mode.parse(np.defaultMode().yamlName()), allow, deny);
  }

  private static List<Rule> parse(List<String> texts, String pointer, LoadedManifest loaded, List<Problem> problems) {
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      try {
        out.add(Rule.parse(texts.get(i)));
      } catch (InvalidRuleException e) {
        String at = pointer + "/" + i;
        problems.add(new Problem(loaded.file(), loaded.positions().nearest(at), at,
            "invalid network rule '" + e.rule() + "': " + e.problem(), e.hint().isEmpty() ? null : e.hint()));
      }
    }
    return out;
  }
}

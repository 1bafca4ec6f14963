package dev.sbx.reconciler.merge;

import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.KitSources;
import dev.sbx.schemas.ManifestLoader;
import dev.sbx.schemas.ResolvedKit;
import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.LoadedManifest;
import dev.sbx.schemas.model.NetworkPolicyManifest;
import dev.sbx.schemas.model.SandboxManifest;
import dev.sbx.schemas.model.SourceFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Resolves Sandbox manifests: loads each one's {@code kits:} (relative to the manifest file),
 * stacks them on its {@code agent}, and applies its NetworkPolicy. The entry point of the
 * desired-state compiler: {@link #resolve(List)} gives one {@link ResolvedSandbox} per Sandbox
 * document, sorted by name, whatever order the documents came in.
 *
 * <p>Kits are loaded once per reference per call (1,000 sandboxes sharing kits load each kit
 * once). Errors are {@link dev.sbx.schemas.ManifestException}s naming file:line.
 */
public final class SandboxStacks {
  private final KitLoader loader;
  private final KitSources sources;
  private final KitResolver named;
  private final KitAllows kitAllows;

  /**
   * @param named kits that {@code agent}, {@code extends} and {@code mixins} may name besides the
   *     built-ins (e.g. {@link KitCatalog} of the kit directories beside the manifests)
   * @param kitAllows how a policy that does not say {@code spec.kitAllows} treats kit allows
   */
  public SandboxStacks(KitLoader loader, KitSources sources, KitResolver named,
      KitAllows kitAllows) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.sources = Objects.requireNonNull(sources, "sources");
    this.named = named.orElse(BuiltinKits.resolver());
    this.kitAllows = Objects.requireNonNull(kitAllows, "kitAllows");
  }

  /**
   * Everything {@code sbx render -f DIR} resolves: the sbx/v1 documents of a directory (searched
   * recursively, see {@link ManifestDirectory}) or of one file, with the kit directories found
   * there resolvable by name; one {@link ResolvedSandbox} per Sandbox, sorted by name.
   */
  public static List<ResolvedSandbox> resolveDirectory(Path dirOrFile, KitLoader loader,
      KitSources sources, KitAllows kitAllows) {
    ManifestDirectory found = java.nio.file.Files.isDirectory(dirOrFile)
        ? ManifestDirectory.scan(dirOrFile) : new ManifestDirectory(List.of(dirOrFile), List.of());
    ManifestLoader manifests = ManifestLoader.defaults();
    List<LoadedManifest> loaded = new ArrayList<>();
    for (Path file : found.manifestFiles()) {
      loaded.addAll(manifests.load(SourceFile.of(file)));
    }
    return new SandboxStacks(loader, sources, new KitCatalog(found.kitDirs(), loader), kitAllows)
        .resolve(loaded);
  }

  /** One resolved sandbox per Sandbox document of {@code manifests}, sorted by name. */
  public List<ResolvedSandbox> resolve(List<LoadedManifest> manifests) {
    Map<String, LoadedManifest> policies = unique(manifests, NetworkPolicyManifest.class);
    Map<String, LoadedManifest> sandboxes = unique(manifests, SandboxManifest.class);
    Map<Path, LoadedKit> cache = new HashMap<>();
    List<ResolvedSandbox> out = new ArrayList<>();
    for (LoadedManifest m : sandboxes.values()) {
      out.add(resolve(m, policies, cache));
    }
    return out;
  }

  /** Resolves one Sandbox document against the policies given by name. */
  public ResolvedSandbox resolve(LoadedManifest sandbox, Map<String, LoadedManifest> policies) {
    return resolve(sandbox, policies, new HashMap<>());
  }

  private ResolvedSandbox resolve(LoadedManifest doc, Map<String, LoadedManifest> policies,
      Map<Path, LoadedKit> cache) {
    SandboxManifest sandbox = (SandboxManifest) doc.manifest();
    Path base = doc.file().path().toAbsolutePath().getParent();
    List<LoadedKit> kits = new ArrayList<>();
    for (String ref : sandbox.kits()) {
      ResolvedKit resolved = sources.resolve(ref, base);
      Path key = resolved.path().toAbsolutePath().normalize();
      kits.add(cache.computeIfAbsent(key, k -> loader.load(resolved)));
    }
    EffectiveKit kit = StackMerger.merge(new StackRequest(kits, sandbox.agent(),
        Origin.of(doc, "/spec/agent"), named));
    LoadedManifest policy = null;
    if (sandbox.policy() != null) {
      policy = policies.get(sandbox.policy());
      if (policy == null) {
        throw Conflicts.at(Origin.of(doc, "/spec/policy"), "/spec/policy",
            "sandbox " + sandbox.name() + " names NetworkPolicy \"" + sandbox.policy()
                + "\", which is not found",
            "add a kind: NetworkPolicy document with that metadata.name"
                + (policies.isEmpty() ? "" : " (known: " + String.join(", ", policies.keySet())
                + ")"));
      }
    }
    return new ResolvedSandbox(doc, kit, PolicyConstraint.apply(kit, policy, kitAllowsOf(policy)));
  }

  /** The policy's own {@code spec.kitAllows} when it says one, else the command's default. */
  private KitAllows kitAllowsOf(LoadedManifest policy) {
    if (policy != null && policy.manifest() instanceof NetworkPolicyManifest np
        && np.kitAllows() != null) {
      return KitAllows.valueOf(np.kitAllows().toUpperCase(java.util.Locale.ROOT));
    }
    return kitAllows;
  }

  /** Documents of one kind by name; the same name twice is an error naming both. */
  private static Map<String, LoadedManifest> unique(List<LoadedManifest> manifests,
      Class<?> kind) {
    List<LoadedManifest> sorted = manifests.stream()
        .filter(m -> kind.isInstance(m.manifest()))
        .sorted(Comparator.comparing((LoadedManifest m) -> m.file().displayName())
            .thenComparingInt(LoadedManifest::documentIndex))
        .toList();
    Map<String, LoadedManifest> byName = new TreeMap<>();
    for (LoadedManifest m : sorted) {
      LoadedManifest earlier = byName.putIfAbsent(m.manifest().name(), m);
      if (earlier != null) {
        throw Conflicts.at(Origin.of(m, "/metadata/name"), "/metadata/name",
            "duplicate " + m.manifest().kind() + " name \"" + m.manifest().name() + "\": "
                + Origin.of(earlier, "/metadata/name") + " and " + Origin.of(m, "/metadata/name"),
            "names are unique per kind across the whole directory; rename one");
      }
    }
    return byName;
  }
}

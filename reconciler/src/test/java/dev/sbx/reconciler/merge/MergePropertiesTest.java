package dev.sbx.reconciler.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.schemas.KitWriter;
import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Environment;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.KitKind;
import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.LoadedManifest;
import dev.sbx.schemas.model.Network;
import dev.sbx.schemas.model.NetworkPolicyManifest;
import dev.sbx.schemas.model.NetworkPolicyManifest.DefaultMode;
import dev.sbx.schemas.model.Port;
import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.SandboxBlock;
import dev.sbx.schemas.model.SandboxManifest;
import dev.sbx.schemas.model.Setup;
import dev.sbx.schemas.model.SourceFile;
import dev.sbx.schemas.model.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the merge engine over generated stacks and policies. */
class MergePropertiesTest {
  /** Every host the properties ask about. */
  static final List<String> HOSTS = List.of("example.com", "a.example.com", "b.example.com",
      "x.a.example.com", "y.x.a.example.com", "example.org", "a.example.org", "api.github.com");
  static final List<String> PATTERNS = List.of("example.com", "a.example.com", "*.example.com",
      "**.example.com", "*.a.example.com", "**.a.example.com", "example.org", "*.example.org",
      "**", "api.github.com", "API.Example.COM.", "a.example.com:443", "*.example.com:80",
      "**.example.org:443");

  // ---------------------------------------------------------------- reference matcher

  /** A plain reading of the rule grammar, written apart from the engine's own code. */
  static boolean matches(String pattern, String host, int port) {
    String p = pattern.toLowerCase(Locale.ROOT);
    int colon = p.lastIndexOf(':');
    if (colon > 0) {
      if (Integer.parseInt(p.substring(colon + 1)) != port) {
        return false;
      }
      p = p.substring(0, colon);
    }
    if (p.endsWith(".")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.equals("**")) {
      return true;
    }
    if (p.startsWith("**.")) {
      return host.endsWith(p.substring(2));
    }
    if (p.startsWith("*.")) {
      String suffix = p.substring(1);
      if (!host.endsWith(suffix)) {
        return false;
      }
      String label = host.substring(0, host.length() - suffix.length());
      return !label.isEmpty() && !label.contains(".");
    }
    return host.equals(p);
  }

  static boolean permitted(EffectiveEgress e, String host, int port) {
    if (e.denies().stream().anyMatch(d -> matches(d, host, port))) {
      return false;
    }
    if (e.mode() != null && e.mode().value() == DefaultMode.ALLOW_ALL) {
      return true;
    }
    return e.activeAllows().stream().anyMatch(a -> matches(a, host, port));
  }

  // ---------------------------------------------------------------- generators

  static LoadedKit loaded(Kit kit) {
    return new LoadedKit(kit, SourceFile.of(Path.of("gen", kit.name(), "spec.yaml")), null,
        Positions.NONE, "2", List.of());
  }

  static Kit kit(KitKind kind, String name, String image, List<String> locked, String extendsKit,
      Network network, List<Credential> credentials, Map<String, String> env,
      List<Setup.Install> install, List<Port> ports, List<Volume> volumes) {
    return new Kit(kind, name, null, null, null, null, extendsKit, locked, null, Map.of(),
        List.of(), image == null ? null : new SandboxBlock(image, List.of("sh"), null, null, null),
        network, credentials, new Environment(env, List.of()),
        new Setup(install, List.of(), List.of()), null, ports, volumes, false, List.of(),
        List.of());
  }

  static Kit mixin(String name, Network network, Map<String, String> env) {
    return kit(KitKind.MIXIN, name, null, List.of(), null, network, List.of(), env, List.of(),
        List.of(), List.of());
  }

  @Provide
  Arbitrary<List<String>> rules() {
    return Arbitraries.of(PATTERNS).list().ofMaxSize(4);
  }

  @Provide
  Arbitrary<Network> networks() {
    return Combinators.combine(rules(), rules()).as(Network::new);
  }

  @Provide
  Arbitrary<List<Network>> stacks() {
    return networks().list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<NetworkPolicyManifest> policies() {
    return Combinators.combine(Arbitraries.of(DefaultMode.class), rules(), rules())
        .as((mode, allow, deny) -> new NetworkPolicyManifest("p", mode, allow, deny));
  }

  @Provide
  Arbitrary<Map<String, String>> envs() {
    return Arbitraries.maps(Arbitraries.of("A", "B", "C", "EDITOR", "PATH_EXTRA", "Z"),
        Arbitraries.of("1", "2", "vi", "nano")).ofMaxSize(6);
  }

  static LoadedManifest policyDoc(NetworkPolicyManifest p) {
    return new LoadedManifest(p, SourceFile.of(Path.of("gen/policy.yaml")), 0, Positions.NONE);
  }

  static List<LoadedKit> stackOf(List<Network> networks) {
    List<LoadedKit> kits = new ArrayList<>();
    kits.add(loaded(kit(KitKind.SANDBOX, "base", "img", List.of(), null, networks.get(0),
        List.of(), Map.of(), List.of(), List.of(), List.of())));
    for (int i = 1; i < networks.size(); i++) {
      kits.add(loaded(mixin("m" + i, networks.get(i), Map.of())));
    }
    return kits;
  }

  static EffectiveKit merge(List<LoadedKit> kits) {
    return StackMerger.merge(new StackRequest(kits, null, null, KitResolver.NONE));
  }

  // ---------------------------------------------------------------- properties

  @Property
  void denyWins(@ForAll("stacks") List<Network> stack, @ForAll("policies") NetworkPolicyManifest
      policy, @ForAll KitAllows kitAllows, @ForAll boolean withPolicy) {
    EffectiveEgress egress = PolicyConstraint.apply(merge(stackOf(stack)),
        withPolicy ? policyDoc(policy) : null, kitAllows);
    List<String> inputDenies = new ArrayList<>(withPolicy ? policy.deny() : List.of());
    stack.forEach(n -> inputDenies.addAll(n.deny()));
    for (String host : HOSTS) {
      for (int port : new int[] {443, 80}) {
        boolean deniedByInput = inputDenies.stream().anyMatch(d -> matches(d, host, port));
        boolean deniedByEffective = egress.denies().stream().anyMatch(d -> matches(d, host, port));
        assertEquals(deniedByInput, deniedByEffective, host + ":" + port);
        if (deniedByInput) {
          assertFalse(permitted(egress, host, port), host + ":" + port + " must be denied");
        }
      }
    }
  }

  @Property
  void kitsNeverWidenEgressBeyondAnIntersectingOrIgnoringPolicy(
      @ForAll("stacks") List<Network> stack, @ForAll("policies") NetworkPolicyManifest policy,
      @ForAll boolean intersect) {
    EffectiveEgress egress = PolicyConstraint.apply(merge(stackOf(stack)), policyDoc(policy),
        intersect ? KitAllows.INTERSECT : KitAllows.IGNORE);
    for (String host : HOSTS) {
      for (int port : new int[] {443, 80}) {
        boolean policyPermits = policy.defaultMode() == DefaultMode.ALLOW_ALL
            || policy.allow().stream().anyMatch(a -> matches(a, host, port));
        if (permitted(egress, host, port)) {
          assertTrue(policyPermits, host + ":" + port + " is reachable only because of a kit");
        }
      }
    }
  }

  @Property
  void outputIgnoresMapAndListOrderInsideKits(@ForAll("envs") Map<String, String> env,
      @ForAll("rules") List<String> allow, @ForAll long seed) {
    Map<String, String> shuffledEnv = shuffled(env, seed);
    List<String> shuffledAllow = new ArrayList<>(allow);
    Collections.shuffle(shuffledAllow, new Random(seed));
    List<Credential> creds = List.of(new Credential("a", null, false, null, null, null),
        new Credential("b", null, false, null, null, null));
    List<Credential> credsReversed = List.of(creds.get(1), creds.get(0));
    EffectiveKit one = merge(List.of(loaded(kit(KitKind.SANDBOX, "base", "img", List.of(), null,
        new Network(allow, List.of()), creds, env, List.of(), List.of(), List.of()))));
    EffectiveKit two = merge(List.of(loaded(kit(KitKind.SANDBOX, "base", "img", List.of(), null,
        new Network(shuffledAllow, List.of()), credsReversed, shuffledEnv, List.of(), List.of(),
        List.of()))));
    assertEquals(Renderer.kit(one, Renderer.Format.YAML, true),
        Renderer.kit(two, Renderer.Format.YAML, true));
    assertEquals(Renderer.kit(one, Renderer.Format.JSON, false),
        Renderer.kit(two, Renderer.Format.JSON, false));
  }

  @Property
  void outputIgnoresDocumentDiscoveryOrder(@ForAll("policies") NetworkPolicyManifest policy,
      @ForAll long seed) {
    List<LoadedManifest> docs = new ArrayList<>();
    docs.add(new LoadedManifest(policy, SourceFile.of(Path.of("gen/p.yaml")), 0, Positions.NONE));
    for (String name : List.of("c", "a", "b")) {
      docs.add(new LoadedManifest(new SandboxManifest(name, name.equals("a") ? "claude" : "shell",
          List.of(), null, List.of(), null, List.of(), "p", null),
          SourceFile.of(Path.of("gen/" + name + ".yaml")), 0, Positions.NONE));
    }
    List<LoadedManifest> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(seed));
    SandboxStacks stacks = new SandboxStacks(dev.sbx.schemas.KitLoader.defaults(),
        new dev.sbx.schemas.KitSources(Path.of("target/kit-cache")), KitResolver.NONE,
        KitAllows.ALLOW);
    assertEquals(render(stacks.resolve(docs)), render(stacks.resolve(shuffled)));
  }

  private static String render(List<ResolvedSandbox> sandboxes) {
    return sandboxes.stream().map(s -> Renderer.sandbox(s, Renderer.Format.YAML, true))
        .collect(Collectors.joining("---\n"));
  }

  @Property
  void deduplicationIsIdempotent(@ForAll("stacks") List<Network> stack) {
    EffectiveKit once = merge(stackOf(stack));
    List<Network> twice = new ArrayList<>(stack);
    twice.addAll(stack.subList(1, stack.size()));
    twice.add(stack.get(0));
    EffectiveKit again = merge(stackOf(twice));
    assertEquals(EffectiveKit.values(once.allow()), EffectiveKit.values(again.allow()));
    assertEquals(EffectiveKit.values(once.deny()), EffectiveKit.values(again.deny()));
    for (String rule : PATTERNS) {
      assertEquals(Fold.canonicalRule(rule), Fold.canonicalRule(Fold.canonicalRule(rule)));
    }
  }

  @Property
  void aLockedPathIsNeverChangedByAChild(
      @ForAll("lockable") String path, @ForAll("networks") Network baseNet,
      @ForAll("envs") Map<String, String> baseEnv, @ForAll boolean childImage,
      @ForAll("networks") Network childNet, @ForAll("envs") Map<String, String> childEnv,
      @ForAll("networks") Network mixinNet, @ForAll("envs") Map<String, String> mixinEnv) {
    LoadedKit base = loaded(kit(KitKind.SANDBOX, "base", "img", List.of(path), null, baseNet,
        List.of(), baseEnv, List.of(new Setup.Install("true", null, null)), List.of(),
        List.of()));
    LoadedKit child = loaded(kit(KitKind.SANDBOX, "child", childImage ? "other" : "img",
        List.of(), "base", childNet, List.of(), childEnv, List.of(), List.of(), List.of()));
    LoadedKit mixin = loaded(mixin("m", mixinNet, mixinEnv));
    String canonical = LockedPaths.canonical(path);
    Object locked = LockedPaths.read(KitWriter.toMap(merge(List.of(base)).toKit()), canonical);
    try {
      EffectiveKit k = merge(List.of(base, child, mixin));
      assertEquals(locked, LockedPaths.read(KitWriter.toMap(k.toKit()), canonical), path);
    } catch (ManifestException e) {
      assertTrue(e.getMessage().contains(canonical), e.getMessage());
    }
  }

  @Provide
  Arbitrary<String> lockable() {
    return Arbitraries.of("sandbox.image", "agent.image", "permissions.network.allow",
        "network.deniedDomains", "environment.variables", "setup.install", "sandbox.entrypoint");
  }

  @Property
  void mergingAKitWithNothingIsTheKit(@ForAll("networks") Network net,
      @ForAll("envs") Map<String, String> env, @ForAll("rules") List<String> volumes) {
    Network canonical = new Network(sortedDistinct(net.allow()), sortedDistinct(net.deny()));
    Map<String, String> sortedEnv = new TreeMap<>(env);
    List<Volume> vols = sortedDistinct(volumes).stream()
        .map(v -> new Volume("/v/" + v.replace('*', 's').replace(':', '-'), null, null, null))
        .distinct().sorted(java.util.Comparator.comparing(Volume::path)).toList();
    Kit base = kit(KitKind.SANDBOX, "base", "img", List.of(), null, canonical,
        List.of(new Credential("a", null, true, null, null, null)), sortedEnv,
        List.of(new Setup.Install("echo hi", "0", null)),
        List.of(new Port(8080, null, "web")), vols);
    EffectiveKit alone = merge(List.of(loaded(base)));
    assertEquals(KitWriter.toMap(base), KitWriter.toMap(alone.toKit()));
    EffectiveKit withEmpty = merge(List.of(loaded(base),
        loaded(mixin("empty", Network.EMPTY, Map.of()))));
    assertEquals(KitWriter.toMap(base), KitWriter.toMap(withEmpty.toKit()));
  }

  private static List<String> sortedDistinct(List<String> rules) {
    return rules.stream().map(Fold::canonicalRule).distinct().sorted().toList();
  }

  private static Map<String, String> shuffled(Map<String, String> env, long seed) {
    List<String> keys = new ArrayList<>(env.keySet());
    Collections.shuffle(keys, new Random(seed));
    Map<String, String> out = new LinkedHashMap<>();
    keys.forEach(k -> out.put(k, env.get(k)));
    return out;
  }
}

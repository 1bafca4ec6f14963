package dev.sbx.reconciler.compile;

import dev.sbx.reconciler.desired.CanonicalJson;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.DriftMode;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.ImmutableSpec;
import dev.sbx.reconciler.desired.LiveSpec;
import dev.sbx.reconciler.desired.Mount;
import dev.sbx.reconciler.desired.Provenance;
import dev.sbx.reconciler.desired.Resources;
import dev.sbx.reconciler.desired.SecretBinding;
import dev.sbx.reconciler.desired.SourceRef;
import dev.sbx.reconciler.merge.EffectiveKit;
import dev.sbx.reconciler.merge.KitAllows;
import dev.sbx.reconciler.merge.Origin;
import dev.sbx.reconciler.merge.Provenanced;
import dev.sbx.reconciler.merge.ResolvedSandbox;
import dev.sbx.reconciler.merge.SandboxStacks;
import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.KitSources;
import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.ArtifactFile;
import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Problem;
import dev.sbx.schemas.model.SandboxBlock;
import dev.sbx.schemas.model.SandboxManifest;
import dev.sbx.schemas.model.Setup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The desired-state compiler: resolved sandboxes (merge engine output) → {@link DesiredSandbox}es.
 *
 * <p>Immutable part (a change replaces the VM): the stack's image plus a digest of its kit files
 * (the files are written into the VM it is built from, so they are part of what it "is"), the
 * kernel, install commands, resources (manifest over kit over defaults), workspace and mounts.
 * Live part (applied in place): egress from the {@code EffectiveEgress} (active allows and every
 * deny), secret bindings (names and domains only), the stack's environment variables and its
 * startup commands. Pure except {@link #compileDirectory}, which loads the files first.
 *
 * <p>Bad input anywhere is a {@link ManifestException} naming file:line, thrown before anything
 * is planned, so a directory with one bad file changes nothing.
 */
public final class DesiredCompiler {
  /** The runtime picks its default guest kernel; sbx/v1 has no field for another yet. */
  public static final String DEFAULT_KERNEL = "debian-cloud";
  public static final int DEFAULT_CPUS = 1;
  public static final long DEFAULT_MEMORY_MIB = 1024;
  /** No policy named: Docker Sandboxes' default. */
  public static final String DEFAULT_MODE = "balanced";

  private final Function<String, List<String>> serviceDomains;

  /**
   * @param serviceDomains the domains a built-in secret service is injected for (from the
   *     secrets module's catalog); kits may add their own through {@code credentials}
   */
  public DesiredCompiler(Function<String, List<String>> serviceDomains) {
    this.serviceDomains = serviceDomains;
  }

  /** Loads, merges and compiles a GitOps directory (or one file). */
  public CompiledState compileDirectory(Path dirOrFile, KitAllows kitAllows) {
    Path dir = dirOrFile.toAbsolutePath().normalize();
    if (!Files.exists(dir)) {
      throw new ManifestException(new Problem(null, null, "", "no such file or directory: " + dirOrFile,
          "give the directory holding your Sandbox and NetworkPolicy manifests"));
    }
    List<ResolvedSandbox> resolved = SandboxStacks.resolveDirectory(dir, KitLoader.defaults(),
        KitSources.defaults(), kitAllows);
    return compile("dir:" + dir, resolved);
  }

  /** Compiles resolved sandboxes of one source; the revision is a digest of what they want. */
  public CompiledState compile(String sourceId, List<ResolvedSandbox> resolved) {
    List<DesiredSandbox> sandboxes = new ArrayList<>();
    Map<String, GuestPayload> payloads = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (ResolvedSandbox r : resolved) {
      GuestPayload payload = payload(r);
      DesiredSandbox d = sandbox(sourceId, r, payload);
      sandboxes.add(d);
      payloads.put(d.name(), payload);
      r.kit().warnings().forEach(p -> warnings.add(p.headline()));
    }
    String revision = DesiredState.fingerprint(sourceId, sandboxes);
    return new CompiledState(DesiredState.of(new SourceRef(sourceId, revision), sandboxes), payloads, warnings);
  }

  DesiredSandbox sandbox(String sourceId, ResolvedSandbox r, GuestPayload payload) {
    SandboxManifest m = r.sandbox();
    EffectiveKit kit = r.kit();
    String where = Origin.of(r.manifest(), "/metadata/name").where();
    if (!DesiredSandbox.isValidName(m.name())) {
      throw error(r, "/metadata/name", "sandbox name \"" + m.name() + "\" is not a valid name",
          "use lowercase letters, digits and '-' (at most 63), starting and ending with a letter or digit");
    }
    ImmutableSpec immutable = new ImmutableSpec(imageRef(kit.image().value(), payload), DEFAULT_KERNEL,
        kit.install().stream().map(p -> p.value().command()).toList(), resources(r),
        hostPath(r, m.workspace()), mounts(r));
    LiveSpec live = new LiveSpec(egress(r), bindings(r), env(kit), startupLines(kit));
    return new DesiredSandbox(m.name(), m.agent(), immutable, live, drift(m.drift()),
        new Provenance(sourceId, where));
  }

  /** The image plus, when the stack has files, a digest of them (so a changed file replaces). */
  static String imageRef(String image, GuestPayload payload) {
    if (payload.files().isEmpty()) {
      return image;
    }
    Map<String, Object> files = new TreeMap<>();
    for (GuestPayload.File f : payload.files()) {
      files.put(f.guestPath(), Map.of("mode", f.mode(), "sha256", sha256Hex(f.content())));
    }
    return image + "+files@" + CanonicalJson.hash(files).substring("sha256:".length(), "sha256:".length() + 16);
  }

  private static Resources resources(ResolvedSandbox r) {
    SandboxManifest.Resources wanted = r.sandbox().resources();
    Provenanced<SandboxBlock.Resources> fromKit = r.kit().resources();
    int cpus = DEFAULT_CPUS;
    long memory = DEFAULT_MEMORY_MIB;
    if (fromKit != null && fromKit.value() != null) {
      SandboxBlock.Resources k = fromKit.value();
      if (k.cpu() != null) {
        cpus = (int) Math.max(1, Math.ceil(k.cpu()));
      }
      if (k.memory() != null) {
        memory = memoryMib(k.memory()).orElse(memory);
      }
    }
    if (wanted != null) {
      if (wanted.cpus() != null) {
        cpus = wanted.cpus();
      }
      if (wanted.memory() != null) {
        long parsed = memoryMib(wanted.memory()).orElseThrow(() -> error(r, "/spec/resources/memory",
            "memory \"" + wanted.memory() + "\" is not a size", "write it like 512m or 2g"));
        memory = parsed;
      }
    }
    if (cpus < 1) {
      throw error(r, "/spec/resources/cpus", "cpus must be at least 1", "set spec.resources.cpus to 1 or more");
    }
    if (memory < 128) {
      throw error(r, "/spec/resources/memory", "memory must be at least 128 MiB (got " + memory + " MiB)",
          "set spec.resources.memory to 128m or more");
    }
    return new Resources(cpus, memory);
  }

  /** {@code 512m}, {@code 2g}, {@code 2Gi}, {@code 1024} (MiB). */
  static java.util.OptionalLong memoryMib(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    var match = java.util.regex.Pattern.compile("(\\d{1,7})([mg]?)i?b?").matcher(t);
    if (!match.matches()) {
      return java.util.OptionalLong.empty();
    }
    long n = Long.parseLong(match.group(1));
    return java.util.OptionalLong.of("g".equals(match.group(2)) ? n * 1024 : n);
  }

  private static List<Mount> mounts(ResolvedSandbox r) {
    var seen = new java.util.HashSet<String>();
    List<Mount> out = new ArrayList<>();
    List<SandboxManifest.Mount> mounts = r.sandbox().mounts();
    for (int i = 0; i < mounts.size(); i++) {
      SandboxManifest.Mount m = mounts.get(i);
      String path = hostPath(r, m.path());
      if (!seen.add(path) || path.equals(hostPath(r, r.sandbox().workspace()))) {
        throw error(r, "/spec/mounts/" + i, "mount path " + m.path() + " is listed twice (or is the workspace)",
            "list each host path once");
      }
      out.add(new Mount(path, m.readOnly()));
    }
    return out;
  }

  /** What the guest sees instead of a credential (the secrets module's sentinel). */
  static final String PROXY_MANAGED = dev.sbx.secrets.SandboxEnvironment.SENTINEL;

  private static EgressSpec egress(ResolvedSandbox r) {
    String mode = r.egress().mode() == null ? DEFAULT_MODE : r.egress().mode().value().yamlName();
    checkRules(r.egress().allow());
    checkRules(r.egress().deny());
    return new EgressSpec(mode, r.egress().activeAllows(), r.egress().denies());
  }

  /**
   * Every rule must be one the proxy accepts: a rule it would refuse ({@code *.io}: a wildcard over
   * a top-level domain) is bad input here, at file:line, before anything is planned or applied.
   */
  private static void checkRules(List<dev.sbx.reconciler.merge.EgressRule> rules) {
    for (dev.sbx.reconciler.merge.EgressRule rule : rules) {
      try {
        dev.sbx.egress.api.Rule.parse(rule.pattern());
      } catch (dev.sbx.egress.api.InvalidRuleException e) {
        Origin o = rule.rule().origin();
        throw new ManifestException(new Problem(o.file(), o.position(), "",
            "network rule \"" + rule.pattern() + "\" (" + o.owner() + "): " + e.problem(),
            e.hint().isEmpty() ? "fix or remove the rule" : e.hint()));
      }
    }
  }

  private List<SecretBinding> bindings(ResolvedSandbox r) {
    Map<String, List<String>> kitDomains = new TreeMap<>();
    for (Provenanced<Credential> c : r.kit().credentials()) {
      kitDomains.put(c.value().service(), credentialDomains(c.value()));
    }
    List<SecretBinding> out = new ArrayList<>();
    List<String> names = r.sandbox().secrets();
    for (int i = 0; i < names.size(); i++) {
      String service = names.get(i);
      if (out.stream().anyMatch(b -> b.service().equals(service))) {
        throw error(r, "/spec/secrets/" + i, "secret \"" + service + "\" is listed twice", "list each secret once");
      }
      List<String> domains = new ArrayList<>(serviceDomains.apply(service));
      domains.addAll(kitDomains.getOrDefault(service, List.of()));
      out.add(new SecretBinding(service, service, domains));
    }
    return out;
  }

  private static List<String> credentialDomains(Credential c) {
    List<String> out = new ArrayList<>();
    if (c.apiKey() != null) {
      c.apiKey().inject().forEach(i -> out.add(i.domain()));
    }
    return out;
  }

  /**
   * The kit's variables, plus every variable the kit declares proxy-managed ({@code
   * apiKey.proxyManaged}, v1 {@code environment.proxyManaged}) set to the sentinel {@code
   * proxy-managed}, as Docker Sandboxes does: the agent's client sees a key and sends it, and the
   * proxy swaps the sentinel for the real credential on the way out. A variable the kit sets
   * explicitly keeps its value.
   */
  static Map<String, String> env(EffectiveKit kit) {
    Map<String, String> env = new TreeMap<>();
    kit.variables().forEach((k, v) -> env.put(k, v.value()));
    for (Provenanced<Credential> c : kit.credentials()) {
      Credential.ApiKey key = c.value().apiKey();
      if (key != null && key.proxyManaged() && key.name() != null) {
        env.putIfAbsent(key.name(), PROXY_MANAGED);
      }
    }
    kit.proxyManaged().forEach(name -> env.putIfAbsent(name.value(), PROXY_MANAGED));
    return env;
  }

  private static List<String> startupLines(EffectiveKit kit) {
    return kit.startup().stream().map(p -> startupShell(p.value())).toList();
  }

  static String startupShell(Setup.Startup s) {
    String line = String.join(" ", s.command().stream().map(DesiredCompiler::shellQuote).toList());
    return s.background() ? line + " &" : line;
  }

  static String shellQuote(String word) {
    if (word.matches("[A-Za-z0-9_./=:@%+,-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static DriftMode drift(SandboxManifest.Drift drift) {
    return switch (drift) {
      case CORRECT -> DriftMode.CORRECT;
      case WARN -> DriftMode.WARN;
      case IGNORE -> DriftMode.IGNORE;
    };
  }

  /** Kit files at their guest paths, install and startup commands with their users. */
  static GuestPayload payload(ResolvedSandbox r) {
    EffectiveKit kit = r.kit();
    String workspace = hostPath(r, r.sandbox().workspace());
    List<GuestPayload.File> files = new ArrayList<>();
    for (Provenanced<ArtifactFile> p : kit.files()) {
      ArtifactFile f = p.value();
      String base = f.target() == ArtifactFile.Target.HOME ? "/home/agent" : workspace;
      if (base == null) {
        continue; // workspace files need a workspace; without one there is nowhere to put them
      }
      files.add(new GuestPayload.File(base + "/" + f.relativePath(), f.content(), f.mode()));
    }
    for (Provenanced<Setup.InitFile> p : kit.initFiles()) {
      Setup.InitFile f = p.value();
      String text = f.content() == null ? "" : f.content().replace("${WORKDIR}", workspace == null ? "/home/agent" : workspace);
      int mode = f.mode() == null ? 0644 : Integer.parseInt(f.mode(), 8);
      // onlyIfMissing is not carried yet: the runtime writes kit files on every start
      files.add(new GuestPayload.File(f.path(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8), mode));
    }
    List<GuestPayload.Command> install = kit.install().stream()
        .map(p -> new GuestPayload.Command(p.value().description(), p.value().command(),
            isRoot(p.value().effectiveUser())))
        .toList();
    List<GuestPayload.Command> startup = kit.startup().stream()
        .map(p -> new GuestPayload.Command(p.value().description(), startupShell(p.value()),
            isRoot(p.value().effectiveUser())))
        .toList();
    return new GuestPayload(files, install, startup);
  }

  /**
   * An absolute host path; {@code ./x} and {@code ../x} are relative to the manifest's directory,
   * so a GitOps repository can carry its own workspace. Null stays null.
   */
  static String hostPath(ResolvedSandbox r, String path) {
    if (path == null || path.startsWith("/")) {
      return path;
    }
    Path base = r.manifest().file().path().toAbsolutePath().getParent();
    return base.resolve(path).normalize().toString();
  }

  private static boolean isRoot(String user) {
    return "0".equals(user) || "root".equals(user);
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ManifestException error(ResolvedSandbox r, String pointer, String message, String hint) {
    Origin o = Origin.of(r.manifest(), pointer);
    return new ManifestException(new Problem(o.file(), o.position(), pointer, message, hint));
  }
}

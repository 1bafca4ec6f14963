package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sbx.schemas.model.AgentInstructions;
import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Environment;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.KitArg;
import dev.sbx.schemas.model.KitKind;
import dev.sbx.schemas.model.Network;
import dev.sbx.schemas.model.Port;
import dev.sbx.schemas.model.SandboxBlock;
import dev.sbx.schemas.model.Setup;
import dev.sbx.schemas.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** For generated kits, loading what render printed (YAML or JSON) gives the same model. */
class RenderRoundTripPropertiesTest {
  private static Path dir;
  private static final KitLoader LOADER = new KitLoader(KitLoadOptions.DEFAULTS.withReadFiles(false));

  @BeforeContainer
  static void makeDir() throws IOException {
    dir = Files.createTempDirectory("roundtrip");
  }

  @AfterContainer
  static void removeDir() throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Property(tries = 200)
  void yamlRenderLoadsBackToTheSameKit(@ForAll("kits") Kit kit) throws IOException {
    Path file = Files.writeString(dir.resolve("spec.yaml"), KitWriter.toYaml(kit));
    assertEquals(kit, LOADER.load(file).kit(), () -> KitWriter.toYaml(kit));
  }

  @Property(tries = 80)
  void jsonRenderLoadsBackToTheSameKit(@ForAll("kits") Kit kit) throws IOException {
    Path file = Files.writeString(dir.resolve("spec.json"), KitWriter.toJson(kit));
    assertEquals(kit, LOADER.load(file).kit(), () -> KitWriter.toJson(kit));
  }

  // ---- generators: valid kits only (the loader's checks are tested elsewhere) ----

  static Arbitrary<String> text() {
    return Arbitraries.strings()
        .withCharRange(' ', '~')
        .withChars('\n', 'é', '中', '→', 'ß')
        .ofMaxLength(40)
        .filter(s -> !s.contains("${"));
  }

  static Arbitrary<String> nonBlank() {
    return text().filter(s -> !s.isBlank());
  }

  static Arbitrary<String> name() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('-', '0', '7')
        .ofMinLength(1).ofMaxLength(20)
        .filter(s -> s.matches("^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$"));
  }

  static Arbitrary<String> envName() {
    return Arbitraries.strings().withCharRange('A', 'Z').withChars('_', '1').ofMinLength(1)
        .ofMaxLength(12).filter(s -> s.matches("[A-Za-z_][A-Za-z0-9_]*"));
  }

  static Arbitrary<String> host() {
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(8);
    Arbitrary<String> domain = label.list().ofMinSize(1).ofMaxSize(3)
        .map(l -> String.join(".", l) + ".example.com");
    return Combinators.combine(
            Arbitraries.of("", "*.", "**."), domain,
            Arbitraries.of("", ":443", ":80", ":8080-8090"))
        .as((prefix, d, port) -> prefix + d + port);
  }

  static Arbitrary<String> optional(Arbitrary<String> a) {
    return a.injectNull(0.4);
  }

  static Arbitrary<String> absPath() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6).list()
        .ofMinSize(1).ofMaxSize(4).map(l -> "/" + String.join("/", l));
  }

  @Provide
  Arbitrary<Kit> kits() {
    Arbitrary<KitKind> kind = Arbitraries.of(KitKind.class);
    return Builders.withBuilder(KitParts::new)
        .use(kind).in((p, k) -> p.with(b -> b.kind = k))
        .use(name()).in((p, v) -> p.with(b -> b.name = v))
        .use(optional(text())).in((p, v) -> p.with(b -> b.displayName = v))
        .use(optional(text())).in((p, v) -> p.with(b -> b.description = v))
        .use(optional(text())).in((p, v) -> p.with(b -> b.version = v))
        .use(optional(name())).in((p, v) -> p.with(b -> b.extendsKit = v))
        .use(Arbitraries.of("sandbox.image", "permissions.network.allow", "setup")
            .list().uniqueElements().ofMaxSize(3)).in((p, v) -> p.with(b -> b.locked = v))
        .use(optional(name())).in((p, v) -> p.with(b -> b.requiresAgent = v))
        .use(Arbitraries.maps(envName(), arg()).ofMaxSize(3)).in((p, v) -> p.with(b -> b.args = v))
        .use(text().list().ofMaxSize(2)).in((p, v) -> p.with(b -> b.licenses = v))
        .use(sandbox()).in((p, v) -> p.with(b -> b.sandbox = v))
        .use(network()).in((p, v) -> p.with(b -> b.network = v))
        .use(credentials()).in((p, v) -> p.with(b -> b.credentials = v))
        .use(environment()).in((p, v) -> p.with(b -> b.environment = v))
        .use(setup()).in((p, v) -> p.with(b -> b.setup = v))
        .use(instructions()).in((p, v) -> p.with(b -> b.instructions = v))
        .use(port().list().ofMaxSize(3)).in((p, v) -> p.with(b -> b.ports = v))
        .use(volumes()).in((p, v) -> p.with(b -> b.volumes = v))
        .use(Arbitraries.of(true, false)).in((p, v) -> p.with(b -> b.privileged = v))
        .use(name().list().ofMaxSize(2)).in((p, v) -> p.with(b -> b.mixins = v))
        .build(KitParts::build);
  }

  /** Mutable bag for the builder; {@link #build} makes the record. */
  static final class KitParts {
    KitKind kind;
    String name;
    String displayName;
    String description;
    String version;
    String extendsKit;
    List<String> locked;
    String requiresAgent;
    Map<String, KitArg> args;
    List<String> licenses;
    SandboxBlock sandbox;
    Network network;
    List<Credential> credentials;
    Environment environment;
    Setup setup;
    AgentInstructions instructions;
    List<Port> ports;
    List<Volume> volumes;
    boolean privileged;
    List<String> mixins;

    KitParts with(java.util.function.Consumer<KitParts> change) {
      change.accept(this);
      return this;
    }

    Kit build() {
      return new Kit(kind, name, displayName, description, version, null, extendsKit, locked,
          kind == KitKind.MIXIN && !name.equals(requiresAgent) ? requiresAgent : null, args,
          licenses, kind == KitKind.SANDBOX ? sandbox : null, network, credentials, environment,
          setup, instructions, ports, volumes, privileged, mixins, List.of());
    }
  }

  static Arbitrary<KitArg> arg() {
    return Combinators.combine(optional(text()), optional(text()), Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .as((def, desc, req, build) -> new KitArg(def, desc, null, List.of(), req, build));
  }

  static Arbitrary<SandboxBlock> sandbox() {
    Arbitrary<SandboxBlock.Resources> resources = Combinators.combine(
            Arbitraries.of(0.5, 1.0, 2.0, 16.0).injectNull(0.3),
            Arbitraries.of("4g", "512m", "4096m").injectNull(0.3),
            Arbitraries.of("1", "all").injectNull(0.5))
        .as(SandboxBlock.Resources::new).injectNull(0.5);
    return Combinators.combine(nonBlank(), nonBlank().list().ofMaxSize(3),
            text().list().ofMaxSize(2), text().list().ofMaxSize(2), resources,
            Arbitraries.of(SandboxBlock.Persistence.class).injectNull(0.7))
        .as((image, ep, def, tty, res, pers) ->
            new SandboxBlock(image, ep, new SandboxBlock.Command(def, tty), res, pers));
  }

  static Arbitrary<Network> network() {
    return Combinators.combine(host().list().ofMaxSize(4), host().list().ofMaxSize(2))
        .as((allow, deny) -> new Network(allow,
            deny.stream().filter(d -> !allow.contains(d)).toList()));
  }

  static Arbitrary<Credential.Inject> inject() {
    Arbitrary<String> format = Combinators.combine(
            Arbitraries.strings().withCharRange('A', 'z').ofMaxLength(8)
                .filter(s -> !s.contains("%")), Arbitraries.of("", " ", "/x"))
        .as((pre, post) -> pre + "%s" + post);
    return Combinators.combine(host(), optional(Arbitraries.of("Authorization", "x-api-key")),
            format, Arbitraries.of("bearer", "basic"), optional(text()), Arbitraries.of(true, false))
        .as((domain, header, fmt, scheme, user, useScheme) -> useScheme
            ? new Credential.Inject(domain, header, null, scheme, user)
            : new Credential.Inject(domain, header, fmt, null, null));
  }

  static Arbitrary<List<Credential>> credentials() {
    Arbitrary<Credential.ApiKey> apiKey = Combinators.combine(
            Arbitraries.oneOf(envName(), Arbitraries.just("")), Arbitraries.of(true, false),
            inject().list().ofMaxSize(3))
        .as(Credential.ApiKey::new).injectNull(0.3);
    Arbitrary<Map<String, String>> fields = Arbitraries.maps(
        Arbitraries.of("accessToken", "refreshToken", "expiresIn", "scope"), nonBlank())
        .ofMaxSize(2);
    Arbitrary<Credential.OAuth> oauth = Combinators.combine(
            Combinators.combine(nonBlank(), text()).as(Credential.TokenEndpoint::new).injectNull(0.3),
            host().list().ofMaxSize(2),
            Combinators.combine(optional(text()), optional(text())).as(Credential.Sentinels::new),
            Combinators.combine(optional(text()), optional(text()),
                Arbitraries.maps(name(), text().map(s -> (Object) s)).ofMaxSize(2))
                .as(Credential.CredentialFile::new).injectNull(0.5),
            envName().list().ofMaxSize(2), fields, Arbitraries.of(true, false))
        .as(Credential.OAuth::new).injectNull(0.6);
    Arbitrary<Credential> one = Combinators.combine(name(), optional(text()),
            Arbitraries.of(true, false), optional(name()), apiKey, oauth)
        .as(Credential::new);
    return one.list().ofMaxSize(3).map(list -> {
      Map<String, Credential> unique = new LinkedHashMap<>();
      list.forEach(c -> unique.putIfAbsent(c.service(), c));
      return new ArrayList<>(unique.values());
    });
  }

  static Arbitrary<Environment> environment() {
    return Combinators.combine(Arbitraries.maps(envName(), text()).ofMaxSize(4),
            envName().list().ofMaxSize(2))
        .as(Environment::new);
  }

  static Arbitrary<Setup> setup() {
    Arbitrary<String> user = optional(Arbitraries.of("0", "1000", "root", "agent"));
    Arbitrary<Setup.Install> install = Combinators.combine(nonBlank(), user, optional(text()))
        .as(Setup.Install::new);
    Arbitrary<Setup.Startup> startup = Combinators.combine(text().list().ofMinSize(1).ofMaxSize(3),
            user, Arbitraries.of(true, false), optional(text()))
        .as(Setup.Startup::new);
    Arbitrary<Setup.InitFile> file = Combinators.combine(absPath(),
            optional(text().map(s -> s.replace("$", "") + (s.length() % 3 == 0 ? "${WORKDIR}" : ""))),
            optional(Arbitraries.of("0644", "0755", "644", "0444")), Arbitraries.of(true, false),
            optional(text()))
        .as(Setup.InitFile::new);
    return Combinators.combine(install.list().ofMaxSize(3), startup.list().ofMaxSize(2),
            file.list().ofMaxSize(2))
        .as(Setup::new);
  }

  static Arbitrary<AgentInstructions> instructions() {
    return Combinators.combine(optional(nonBlank()), optional(text()))
        .as(AgentInstructions::new).injectNull(0.3);
  }

  static Arbitrary<Port> port() {
    return Combinators.combine(Arbitraries.integers().between(1, 65535),
            optional(Arbitraries.of("tcp", "udp")), optional(text()))
        .as(Port::new);
  }

  static Arbitrary<List<Volume>> volumes() {
    Arbitrary<Volume> one = Combinators.combine(absPath(), optional(Arbitraries.of("tmpfs")),
            optional(Arbitraries.of("1g", "512m")), optional(Arbitraries.of("1777", "0700")))
        .as(Volume::new);
    return one.list().ofMaxSize(3).map(list -> {
      Map<String, Volume> unique = new LinkedHashMap<>();
      list.forEach(v -> unique.putIfAbsent(v.path(), v));
      return new ArrayList<>(unique.values());
    });
  }
}

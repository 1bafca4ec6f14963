package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.AgentInstructions;
import dev.sbx.schemas.model.ArtifactFile;
import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Environment;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.KitKind;
import dev.sbx.schemas.model.Network;
import dev.sbx.schemas.model.Port;
import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.Problem;
import dev.sbx.schemas.model.SandboxBlock;
import dev.sbx.schemas.model.Setup;
import dev.sbx.schemas.model.Volume;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A stack folded into one kit, every value with its {@link Origin}. Built by {@link StackMerger};
 * {@link #toKit()} gives the plain canonical {@link Kit} (rendered as a schemaVersion "2"
 * document), {@link #explanations()} says where each rendered value came from.
 *
 * <p>Orders are canonical, so the same stack gives byte-identical output whatever the map order
 * of its files: sets ({@code allow}, {@code deny}, {@code proxyManaged}, {@code locked}) are
 * sorted; keyed collections ({@code variables} by name, {@code credentials} by service,
 * {@code volumes} by path, {@code files} by target:path) are sorted by key; sequences
 * ({@code install}, {@code startup}, {@code initFiles}, {@code ports}, instructions) keep stack
 * order. Nullable fields are null when no layer wrote them.
 */
public record EffectiveKit(
    List<StackMember> stack,
    Provenanced<String> name,
    Provenanced<String> displayName,
    Provenanced<String> description,
    Provenanced<String> version,
    Provenanced<String> image,
    Provenanced<List<String>> entrypoint,
    Provenanced<List<String>> commandDefault,
    Provenanced<List<String>> commandInteractive,
    Provenanced<SandboxBlock.Resources> resources,
    Provenanced<SandboxBlock.Persistence> persistence,
    Provenanced<String> instructionsFile,
    List<Provenanced<String>> instructions,
    List<Provenanced<String>> allow,
    List<Provenanced<String>> deny,
    List<Provenanced<Credential>> credentials,
    Map<String, Provenanced<String>> variables,
    List<Provenanced<String>> proxyManaged,
    List<Provenanced<Setup.Install>> install,
    List<Provenanced<Setup.Startup>> startup,
    List<Provenanced<Setup.InitFile>> initFiles,
    List<Provenanced<Port>> ports,
    List<Provenanced<Volume>> volumes,
    Provenanced<Boolean> privileged,
    List<Provenanced<ArtifactFile>> files,
    List<Provenanced<String>> locked,
    List<Problem> warnings) {

  public EffectiveKit {
    stack = List.copyOf(stack);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    instructions = List.copyOf(instructions);
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
    credentials = List.copyOf(credentials);
    variables = Collections.unmodifiableMap(new TreeMap<>(variables));
    proxyManaged = List.copyOf(proxyManaged);
    install = List.copyOf(install);
    startup = List.copyOf(startup);
    initFiles = List.copyOf(initFiles);
    ports = List.copyOf(ports);
    volumes = List.copyOf(volumes);
    files = List.copyOf(files);
    locked = List.copyOf(locked);
    warnings = List.copyOf(warnings);
  }

  /** The effective kit as a plain canonical sandbox kit (what {@code sbx kit render} prints). */
  public Kit toKit() {
    SandboxBlock sandbox = new SandboxBlock(image.value(), valueOr(entrypoint, List.of()),
        new SandboxBlock.Command(valueOr(commandDefault, List.of()),
            valueOr(commandInteractive, List.of())),
        valueOr(resources, null), valueOr(persistence, null));
    String content = joinedInstructions();
    AgentInstructions ai = instructionsFile == null && content == null ? null
        : new AgentInstructions(valueOr(instructionsFile, null), content);
    Map<String, String> vars = new LinkedHashMap<>();
    variables.forEach((k, v) -> vars.put(k, v.value()));
    return new Kit(KitKind.SANDBOX, name.value(), valueOr(displayName, null),
        valueOr(description, null), valueOr(version, null), null, null, values(locked), null,
        Map.of(), List.of(), sandbox, new Network(values(allow), values(deny)),
        values(credentials), new Environment(vars, values(proxyManaged)),
        new Setup(values(install), values(startup), values(initFiles)), ai, values(ports),
        values(volumes), privileged != null && privileged.value(), List.of(), values(files));
  }

  /**
   * The base's instructions as written, then each other layer's under a {@code ## Kit NAME}
   * heading, in stack order (upstream writes a mixin's text to {@code kits-memory/NAME.md}; one
   * rendered document keeps them in one string). Null when no layer has any.
   */
  String joinedInstructions() {
    if (instructions.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (Provenanced<String> p : instructions) {
      if (sb.length() > 0) {
        sb.append(sb.charAt(sb.length() - 1) == '\n' ? "\n" : "\n\n");
      }
      if (!p.origin().owner().equals("kit " + name.value())) {
        sb.append("## ").append(p.origin().owner().replaceFirst("^kit", "Kit")).append("\n\n");
      }
      sb.append(p.value());
    }
    return sb.toString();
  }

  /**
   * Where each value of {@link #toKit()}'s rendered document came from, keyed by JSON pointer
   * into that document ({@code /sandbox/image}, {@code /permissions/network/allow/2}, ...), in
   * document order; each text reads {@code from kit bun (kits/bun/spec.yaml:12:7)}, followed by
   * what the value overrode or which other declarations it merged.
   */
  public Map<String, String> explanations() {
    Map<String, String> m = new LinkedHashMap<>();
    put(m, "/name", name, Explain.LAST_WINS);
    put(m, "/displayName", displayName, Explain.LAST_WINS);
    put(m, "/description", description, Explain.LAST_WINS);
    put(m, "/version", version, Explain.LAST_WINS);
    list(m, "/locked", locked, Explain.SET);
    put(m, "/sandbox/image", image, Explain.LAST_WINS);
    put(m, "/sandbox/entrypoint", entrypoint, Explain.LAST_WINS);
    put(m, "/sandbox/command/default", commandDefault, Explain.LAST_WINS);
    put(m, "/sandbox/command/interactive", commandInteractive, Explain.LAST_WINS);
    put(m, "/sandbox/resources", resources, Explain.LAST_WINS);
    put(m, "/sandbox/persistence", persistence, Explain.LAST_WINS);
    put(m, "/agentInstructions/filename", instructionsFile, Explain.LAST_WINS);
    if (!instructions.isEmpty()) {
      m.put("/agentInstructions/content", "from " + String.join(", ",
          instructions.stream().map(p -> p.origin().toString()).toList()));
    }
    list(m, "/permissions/network/allow", allow, Explain.SET);
    for (int i = 0; i < allow.size(); i++) {
      HostPattern a = HostPattern.parse(allow.get(i).value());
      for (Provenanced<String> d : deny) {
        if (HostPattern.parse(d.value()).covers(a)) {
          m.merge(Positions.child("/permissions/network/allow", i), "; never used: denied by "
              + d.value() + " from " + d.origin(), String::concat);
          break;
        }
      }
    }
    list(m, "/permissions/network/deny", deny, Explain.SET);
    list(m, "/credentials", credentials, Explain.LAST_WINS);
    variables.forEach((k, v) -> put(m, Positions.child("/environment/variables", k), v,
        Explain.LAST_WINS));
    list(m, "/environment/proxyManaged", proxyManaged, Explain.SET);
    list(m, "/setup/install", install, Explain.LAST_WINS);
    list(m, "/setup/startup", startup, Explain.LAST_WINS);
    list(m, "/setup/files", initFiles, Explain.LAST_WINS);
    list(m, "/ports", ports, Explain.LAST_WINS);
    list(m, "/volumes", volumes, Explain.LAST_WINS);
    put(m, "/security/privileged", privileged, Explain.SET);
    return m;
  }

  /** {@code home:path → explanation} for the artifact files, which live beside the document. */
  public Map<String, String> fileExplanations() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Provenanced<ArtifactFile> f : files) {
      m.put(f.value().key(), Explain.LAST_WINS.text(f));
    }
    return m;
  }

  /** How an origin list reads: replaced values, or merged duplicate declarations. */
  enum Explain {
    LAST_WINS("overrides "),
    SET("also ");

    private final String prefix;

    Explain(String prefix) {
      this.prefix = prefix;
    }

    String text(Provenanced<?> p) {
      StringBuilder sb = new StringBuilder("from ").append(p.origin());
      if (!p.overridden().isEmpty()) {
        sb.append("; ").append(prefix).append(String.join(", ",
            p.overridden().stream().map(Origin::toString).toList()));
      }
      return sb.toString();
    }
  }

  private static void put(Map<String, String> m, String pointer, Provenanced<?> p, Explain how) {
    if (p != null) {
      m.put(pointer, how.text(p));
    }
  }

  private static void list(Map<String, String> m, String pointer, List<? extends Provenanced<?>> l,
      Explain how) {
    for (int i = 0; i < l.size(); i++) {
      m.put(Positions.child(pointer, i), how.text(l.get(i)));
    }
  }

  private static <T> T valueOr(Provenanced<T> p, T otherwise) {
    return p == null ? otherwise : p.value();
  }

  static <T> List<T> values(List<Provenanced<T>> list) {
    List<T> out = new ArrayList<>(list.size());
    for (Provenanced<T> p : list) {
      out.add(p.value());
    }
    return out;
  }
}

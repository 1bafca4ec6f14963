package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.ArtifactFile;
import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.Port;
import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.Problem;
import dev.sbx.schemas.model.SandboxBlock;
import dev.sbx.schemas.model.Setup;
import dev.sbx.schemas.model.SourceFile;
import dev.sbx.schemas.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The accumulator of one fold: {@link #apply} lays one kit over what is there, section by
 * section (rules in docs/merge.md). Single use, confined to one {@link StackMerger#merge} call,
 * so the merge as a whole stays a pure function of its layers.
 */
final class Fold {
  private final List<StackMember> stack = new ArrayList<>();
  private Provenanced<String> name;
  private Provenanced<String> displayName;
  private Provenanced<String> description;
  private Provenanced<String> version;
  private Provenanced<String> image;
  private Provenanced<List<String>> entrypoint;
  private Provenanced<List<String>> commandDefault;
  private Provenanced<List<String>> commandInteractive;
  private Provenanced<SandboxBlock.Resources> resources;
  private Provenanced<SandboxBlock.Persistence> persistence;
  private Provenanced<String> instructionsFile;
  private final List<Provenanced<String>> instructions = new ArrayList<>();
  private final Map<String, Provenanced<String>> allow = new TreeMap<>();
  private final Map<String, Provenanced<String>> deny = new TreeMap<>();
  private final Map<String, Provenanced<Credential>> credentials = new TreeMap<>();
  private final Map<String, Provenanced<String>> variables = new TreeMap<>();
  private final Map<String, Provenanced<String>> proxyManaged = new TreeMap<>();
  private final List<Provenanced<Setup.Install>> install = new ArrayList<>();
  private final List<Provenanced<Setup.Startup>> startup = new ArrayList<>();
  private final List<Provenanced<Setup.InitFile>> initFiles = new ArrayList<>();
  private final List<Provenanced<Port>> ports = new ArrayList<>();
  private final Map<String, Provenanced<Volume>> volumes = new TreeMap<>();
  private Provenanced<Boolean> privileged;
  private final Map<String, Provenanced<ArtifactFile>> files = new TreeMap<>();
  private final Map<String, Provenanced<String>> locked = new TreeMap<>();
  private final List<Problem> warnings = new ArrayList<>();

  /** Lays {@code layer} over the accumulated stack. */
  void apply(LoadedKit layer, StackMember.Role role) {
    Kit kit = layer.kit();
    stack.add(new StackMember(kit.name(), kit.kind(), role, Origin.of(layer, "/name")));
    if (kit.sandbox() != null) {
      name = scalar(name, kit.name(), layer, "/name");
      displayName = scalar(displayName, kit.displayName(), layer, "/displayName");
      description = scalar(description, kit.description(), layer, "/description");
      version = scalar(version, kit.version(), layer, "/version");
      SandboxBlock s = kit.sandbox();
      image = scalar(image, s.image(), layer, "/sandbox/image");
      entrypoint = scalar(entrypoint, s.entrypoint().isEmpty() ? null : s.entrypoint(), layer,
          "/sandbox/entrypoint");
      commandDefault = scalar(commandDefault, s.command().defaultArgs().isEmpty() ? null
          : s.command().defaultArgs(), layer, "/sandbox/command/default");
      commandInteractive = scalar(commandInteractive, s.command().interactive().isEmpty() ? null
          : s.command().interactive(), layer, "/sandbox/command/interactive");
      resources = scalar(resources, s.resources(), layer, "/sandbox/resources");
      persistence = scalar(persistence, s.persistence(), layer, "/sandbox/persistence");
      if (kit.agentInstructions() != null) {
        instructionsFile = scalar(instructionsFile, kit.agentInstructions().filename(), layer,
            "/agentInstructions/filename");
      }
    }
    if (kit.agentInstructions() != null && kit.agentInstructions().content() != null) {
      instructions.add(Provenanced.of(kit.agentInstructions().content(),
          Origin.of(layer, "/agentInstructions/content")));
    }
    union(allow, kit.network().allow(), layer, "/permissions/network/allow", true);
    union(deny, kit.network().deny(), layer, "/permissions/network/deny", true);
    for (int i = 0; i < kit.credentials().size(); i++) {
      Credential c = kit.credentials().get(i);
      Origin here = Origin.of(layer, Positions.child("/credentials", i));
      Provenanced<Credential> earlier = credentials.get(c.service());
      if (earlier != null) {
        throw Conflicts.at(here, Positions.child("/credentials", i),
            "credential \"" + c.service() + "\" is defined by both " + earlier.origin() + " and "
                + here,
            "a service may be declared by one kit of a stack; drop it from one of them (to "
                + "reach more hosts, add them to permissions.network.allow instead)");
      }
      credentials.put(c.service(), Provenanced.of(c, here));
    }
    kit.environment().variables().forEach((key, value) -> {
      String pointer = Positions.child("/environment/variables", key);
      Origin here = Origin.of(layer, pointer);
      Provenanced<String> earlier = variables.get(key);
      if (earlier == null) {
        variables.put(key, Provenanced.of(value, here));
        return;
      }
      if (!earlier.value().equals(value)) {
        warnings.add(new Problem(here.file(), here.position(), pointer,
            "environment variable " + key + " from " + here.owner() + " overrides the value set by "
                + earlier.origin() + " (last wins)",
            "drop one of them, or order the kits so the intended value comes last"));
      }
      variables.put(key, earlier.replacedBy(value, here));
    });
    union(proxyManaged, kit.environment().proxyManaged(), layer, "/environment/proxyManaged",
        false);
    sequence(install, kit.setup().install(), layer, "/setup/install");
    sequence(startup, kit.setup().startup(), layer, "/setup/startup");
    sequence(initFiles, kit.setup().files(), layer, "/setup/files");
    sequence(ports, kit.ports(), layer, "/ports");
    for (int i = 0; i < kit.volumes().size(); i++) {
      Volume v = kit.volumes().get(i);
      overlay(volumes, v.path(), v, Origin.of(layer, Positions.child("/volumes", i)));
    }
    if (kit.privileged()) {
      Origin here = Origin.of(layer, "/security/privileged");
      privileged = privileged == null ? Provenanced.of(true, here)
          : privileged.alsoDeclaredAt(here);
    }
    String shownRoot = shownRoot(layer);
    for (ArtifactFile f : kit.files()) {
      String rel = "files/" + f.target().dirName() + "/" + f.relativePath();
      Origin here = new Origin("kit " + kit.name(), new SourceFile(
          layer.root() == null ? layer.file().path() : layer.root().resolve(rel),
          shownRoot + "/" + rel), Position.START);
      overlay(files, f.key(), f, here);
    }
    for (int i = 0; i < kit.locked().size(); i++) {
      String path = LockedPaths.canonical(kit.locked().get(i));
      Origin here = Origin.of(layer, Positions.child("/locked", i));
      Provenanced<String> earlier = locked.get(path);
      locked.put(path, earlier == null ? Provenanced.of(path, here) : earlier.alsoDeclaredAt(here));
    }
  }

  /** Locks in force, canonical path → where it was declared. */
  Map<String, Provenanced<String>> locks() {
    return locked;
  }

  boolean hasBase() {
    return image != null;
  }

  EffectiveKit result() {
    if (image == null) {
      throw new IllegalStateException("a fold must start with a sandbox kit");
    }
    return new EffectiveKit(stack, name, displayName, description, version, image, entrypoint,
        commandDefault, commandInteractive, resources, persistence, instructionsFile, instructions,
        List.copyOf(allow.values()), List.copyOf(deny.values()),
        List.copyOf(credentials.values()), variables, List.copyOf(proxyManaged.values()), install,
        startup, initFiles, ports, List.copyOf(volumes.values()), privileged,
        List.copyOf(files.values()), List.copyOf(locked.values()), warnings);
  }

  private static <T> Provenanced<T> scalar(Provenanced<T> current, T next, LoadedKit layer,
      String pointer) {
    if (next == null) {
      return current;
    }
    Origin here = Origin.of(layer, pointer);
    return current == null ? Provenanced.of(next, here) : current.replacedBy(next, here);
  }

  private static void union(Map<String, Provenanced<String>> set, List<String> members,
      LoadedKit layer, String pointer, boolean hostPattern) {
    for (int i = 0; i < members.size(); i++) {
      String member = hostPattern ? canonicalRule(members.get(i)) : members.get(i);
      Origin here = Origin.of(layer, Positions.child(pointer, i));
      Provenanced<String> earlier = set.get(member);
      set.put(member, earlier == null ? Provenanced.of(member, here) : earlier.alsoDeclaredAt(here));
    }
  }

  private static <T> void sequence(List<Provenanced<T>> into, List<T> items, LoadedKit layer,
      String pointer) {
    for (int i = 0; i < items.size(); i++) {
      into.add(Provenanced.of(items.get(i), Origin.of(layer, Positions.child(pointer, i))));
    }
  }

  private static <T> void overlay(Map<String, Provenanced<T>> byKey, String key, T value,
      Origin here) {
    Provenanced<T> earlier = byKey.get(key);
    byKey.put(key, earlier == null ? Provenanced.of(value, here) : earlier.replacedBy(value, here));
  }

  /**
   * The one spelling of a host rule used for de-duplication and output: lower case, one
   * trailing dot of the host part dropped. Rules are ASCII (the kit schema says so).
   */
  static String canonicalRule(String rule) {
    String r = rule.trim().toLowerCase(Locale.ROOT);
    int colon = r.lastIndexOf(':');
    boolean hasPort = colon > 0 && r.indexOf(':') == colon && !r.startsWith("[");
    String host = hasPort ? r.substring(0, colon) : r;
    String port = hasPort ? r.substring(colon) : "";
    if (host.endsWith(".") && host.length() > 1) {
      host = host.substring(0, host.length() - 1);
    }
    return host + port;
  }

  private static String shownRoot(LoadedKit layer) {
    String shown = layer.file().displayName();
    int slash = shown.lastIndexOf('/');
    return slash < 0 ? "." : shown.substring(0, slash);
  }
}

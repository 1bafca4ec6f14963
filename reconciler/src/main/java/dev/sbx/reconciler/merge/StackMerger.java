package dev.sbx.reconciler.merge;

import dev.sbx.schemas.KitWriter;
import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.KitKind;
import dev.sbx.schemas.model.LoadedKit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The merge engine: stacks kits Docker-Sandboxes style into one {@link EffectiveKit}.
 *
 * <p>A pure fold over ordered layers, recomputed from scratch on every call: {@code extends:}
 * ancestors of the base (parent first, at most {@value #MAX_EXTENDS_DEPTH} levels), the one
 * agent/sandbox kit, the mixins it declares, then the given mixins in order. Before the fold the
 * stack is checked (one base, unique names, {@code requires.agent}, {@code extends}); during it,
 * {@code locked:} paths are enforced after every layer. Every problem is a {@link
 * ManifestException} naming both places by file:line:column. Thread-safe (stateless).
 */
public final class StackMerger {
  public static final int MAX_EXTENDS_DEPTH = 5;

  private StackMerger() {}

  /** Stacks the request's kits; see the class comment for the order. */
  public static EffectiveKit merge(StackRequest request) {
    List<LoadedKit> given = request.kits();
    LoadedKit base = base(request);
    List<LoadedKit> mixins = new ArrayList<>();
    for (LoadedKit k : given) {
      if (k != base && k.kit().kind() == KitKind.MIXIN) {
        mixins.add(k);
      }
    }
    KitResolver resolver = byName(given).orElse(request.resolver());
    List<LoadedKit> ancestors = ancestors(base, resolver);
    List<LoadedKit> declared = declaredMixins(base, resolver);
    List<LoadedKit> named = new ArrayList<>();
    named.add(base);
    named.addAll(declared);
    named.addAll(mixins);
    uniqueNames(named);
    Set<String> agentNames = new HashSet<>();
    agentNames.add(base.kit().name());
    ancestors.forEach(a -> agentNames.add(a.kit().name()));
    for (LoadedKit m : named.subList(1, named.size())) {
      requiresAgent(m, base, agentNames);
    }

    Fold fold = new Fold();
    for (LoadedKit a : ancestors) {
      layer(fold, a, StackMember.Role.EXTENDS);
    }
    layer(fold, base, StackMember.Role.BASE);
    for (LoadedKit d : declared) {
      layer(fold, d, StackMember.Role.DECLARED_MIXIN);
    }
    for (LoadedKit m : mixins) {
      layer(fold, m, StackMember.Role.MIXIN);
    }
    return fold.result();
  }

  /** Applies one layer, then checks that it left every lock of the layers before it alone. */
  private static void layer(Fold fold, LoadedKit layer, StackMember.Role role) {
    Map<String, Provenanced<String>> locks = new LinkedHashMap<>(fold.locks());
    Map<String, Object> before = locks.isEmpty() || !fold.hasBase() ? null
        : KitWriter.toMap(fold.result().toKit());
    fold.apply(layer, role);
    if (before == null) {
      return;
    }
    Map<String, Object> after = KitWriter.toMap(fold.result().toKit());
    for (Provenanced<String> lock : locks.values()) {
      String path = lock.value();
      if (!Objects.equals(LockedPaths.read(before, path), LockedPaths.read(after, path))) {
        String pointer = LockedPaths.pointer(path);
        Origin here = Origin.of(layer, pointer);
        throw Conflicts.at(here, pointer,
            "kit " + layer.kit().name() + " changes " + path + ", which " + lock.origin()
                + " locks",
            "a locked value cannot be overridden by a kit stacked later; remove the setting from "
                + "kit " + layer.kit().name() + " or fork the locking kit");
      }
    }
  }

  private static LoadedKit base(StackRequest request) {
    // A sandbox kit that another given kit extends is that kit's parent, not a second base.
    Set<String> parents = new HashSet<>();
    request.kits().forEach(k -> {
      if (k.kit().extendsKit() != null) {
        parents.add(k.kit().extendsKit());
      }
    });
    List<LoadedKit> allSandboxes = request.kits().stream()
        .filter(k -> k.kit().kind() == KitKind.SANDBOX).toList();
    List<LoadedKit> sandboxes = allSandboxes.stream()
        .filter(k -> !parents.contains(k.kit().name())).toList();
    if (sandboxes.isEmpty() && !allSandboxes.isEmpty()) {
      sandboxes = List.of(allSandboxes.get(0)); // they all extend each other: a cycle, reported below
    }
    if (sandboxes.size() > 1) {
      LoadedKit a = sandboxes.get(0);
      LoadedKit b = sandboxes.get(1);
      throw Conflicts.at(Origin.of(b, "/kind"), "/kind",
          "two agent/sandbox kits in one stack: " + Origin.of(a, "/kind") + " and "
              + Origin.of(b, "/kind"),
          "a stack has exactly one agent kit; pass the others' features as mixins");
    }
    String agent = request.agent();
    if (agent == null) {
      if (sandboxes.isEmpty()) {
        LoadedKit first = request.kits().isEmpty() ? null : request.kits().get(0);
        if (first == null) {
          throw new IllegalArgumentException("a stack needs at least one kit or an agent");
        }
        throw Conflicts.at(Origin.of(first, "/kind"), "/kind",
            "no agent kit in the stack (every kit given is a mixin)",
            "name the agent: --agent NAME (built-in: " + String.join(", ", BuiltinKits.NAMES)
                + ") or add a kind: sandbox kit");
      }
      return sandboxes.get(0);
    }
    if (sandboxes.size() == 1) {
      LoadedKit only = sandboxes.get(0);
      if (only.kit().name().equals(agent)) {
        return only;
      }
      String named = request.resolver().find(agent).map(k -> Origin.of(k, "/kind").toString())
          .orElse("agent \"" + agent + "\"");
      throw Conflicts.at(Origin.of(only, "/kind"), "/kind",
          "two agent/sandbox kits in one stack: " + named + (request.agentOrigin() == null
              ? " (--agent)" : " named at " + request.agentOrigin().where()) + " and "
              + Origin.of(only, "/kind"),
          "the agent must be the sandbox kit's name (\"" + only.kit().name() + "\"), or drop "
              + "that kit");
    }
    Optional<LoadedKit> found = request.resolver().find(agent);
    if (found.isEmpty()) {
      String message = "agent \"" + agent + "\" not found";
      String hint = "use a built-in (" + String.join(", ", BuiltinKits.NAMES)
          + ") or add the agent's kind: sandbox kit to the stack";
      if (request.agentOrigin() != null) {
        throw Conflicts.at(request.agentOrigin(), "", message, hint);
      }
      throw new ManifestException(new dev.sbx.schemas.model.Problem(null, null, "", message,
          hint));
    }
    LoadedKit kit = found.get();
    if (kit.kit().kind() != KitKind.SANDBOX) {
      throw Conflicts.at(Origin.of(kit, "/kind"), "/kind",
          "agent \"" + agent + "\" is a mixin, not an agent/sandbox kit", null);
    }
    return kit;
  }

  /** The base's extends chain, root ancestor first. */
  private static List<LoadedKit> ancestors(LoadedKit base, KitResolver resolver) {
    Deque<LoadedKit> chain = new ArrayDeque<>();
    Map<String, LoadedKit> seen = new LinkedHashMap<>();
    seen.put(base.kit().name(), base);
    LoadedKit child = base;
    while (child.kit().extendsKit() != null) {
      final LoadedKit current = child;
      String parentName = current.kit().extendsKit();
      Origin here = Origin.of(current, "/extends");
      if (seen.containsKey(parentName)) {
        StringBuilder cycle = new StringBuilder();
        for (LoadedKit k : seen.values()) {
          cycle.append(k.kit().name()).append(" (").append(Origin.of(k, "/extends").where())
              .append(") → ");
        }
        cycle.append(parentName);
        throw Conflicts.at(here, "/extends", "extends cycle: " + cycle
            + "; first declared by " + Origin.of(seen.get(parentName), "/extends"),
            "break the cycle: a kit cannot (indirectly) extend itself");
      }
      if (chain.size() == MAX_EXTENDS_DEPTH) {
        throw Conflicts.at(here, "/extends", "extends chain of kit " + base.kit().name()
                + " is deeper than " + MAX_EXTENDS_DEPTH + " levels",
            "flatten the chain: at most " + MAX_EXTENDS_DEPTH + " parents");
      }
      LoadedKit parent = resolver.find(parentName).orElseThrow(() -> Conflicts.at(here,
          "/extends", "kit " + current.kit().name() + " extends \"" + parentName
              + "\", which is not found",
          "the parent must be a built-in (" + String.join(", ", BuiltinKits.NAMES)
              + ") or a kit given in the same stack or directory"));
      if (parent.kit().kind() != KitKind.SANDBOX) {
        throw Conflicts.at(here, "/extends", "kit " + child.kit().name() + " extends "
            + Origin.of(parent, "/kind") + ", which is a mixin", "the parent must be kind: sandbox");
      }
      seen.put(parentName, parent);
      chain.addFirst(parent);
      child = parent;
    }
    return List.copyOf(chain);
  }

  private static List<LoadedKit> declaredMixins(LoadedKit base, KitResolver resolver) {
    List<LoadedKit> out = new ArrayList<>();
    List<String> names = base.kit().mixins();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String pointer = "/mixins/" + i;
      LoadedKit m = resolver.find(name).orElseThrow(() -> Conflicts.at(Origin.of(base, pointer),
          pointer, "mixin \"" + name + "\" declared by kit " + base.kit().name()
              + " is not found", "give the mixin's kit in the same stack or directory"));
      if (m.kit().kind() != KitKind.MIXIN) {
        throw Conflicts.at(Origin.of(base, pointer), pointer, "\"" + name + "\" is not a mixin: "
            + Origin.of(m, "/kind"), null);
      }
      out.add(m);
    }
    return out;
  }

  private static void uniqueNames(List<LoadedKit> kits) {
    Map<String, LoadedKit> byName = new LinkedHashMap<>();
    for (LoadedKit k : kits) {
      LoadedKit earlier = byName.putIfAbsent(k.kit().name(), k);
      if (earlier != null) {
        throw Conflicts.at(Origin.of(k, "/name"), "/name",
            "duplicate kit name \"" + k.kit().name() + "\": " + Origin.of(earlier, "/name")
                + " and " + Origin.of(k, "/name"),
            "each kit of a stack must have a unique name; remove the second one");
      }
    }
  }

  private static void requiresAgent(LoadedKit mixin, LoadedKit base, Set<String> agentNames) {
    String required = mixin.kit().requiresAgent();
    if (required != null && !agentNames.contains(required)) {
      throw Conflicts.at(Origin.of(mixin, "/requires/agent"), "/requires/agent",
          "kit " + mixin.kit().name() + " requires agent \"" + required + "\" but the stack's "
              + "agent is " + Origin.of(base, "/name"),
          "stack it on a " + required + " sandbox, or drop it from this stack");
    }
    String parent = mixin.kit().extendsKit();
    if (parent != null && !agentNames.contains(parent)) {
      throw Conflicts.at(Origin.of(mixin, "/extends"), "/extends",
          "mixin " + mixin.kit().name() + " extends \"" + parent + "\" but the stack's agent is "
              + Origin.of(base, "/name"),
          "a mixin's extends names the agent it is made for; stack it on that agent");
    }
  }

  /** Resolves the kits given in the stack by name (for extends parents given alongside). */
  private static KitResolver byName(List<LoadedKit> kits) {
    Map<String, LoadedKit> m = new LinkedHashMap<>();
    kits.forEach(k -> m.putIfAbsent(k.kit().name(), k));
    return name -> Optional.ofNullable(m.get(name));
  }
}

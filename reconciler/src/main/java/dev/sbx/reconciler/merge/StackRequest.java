package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.LoadedKit;
import java.util.List;
import java.util.Objects;

/**
 * What to stack.
 *
 * @param kits the kits given, in stacking order: at most one agent/sandbox kit (anywhere in the
 *     list) and mixins in the order they apply
 * @param agent the agent's name ({@code --agent}, a Sandbox manifest's {@code spec.agent}); null =
 *     the one sandbox kit of {@code kits} is the base
 * @param agentOrigin where {@code agent} was written (a manifest); null = the command line
 * @param resolver finds kits named by {@code agent}, {@code extends:} and {@code mixins:}
 *     (built-ins, kits found beside a manifest)
 */
public record StackRequest(List<LoadedKit> kits, String agent, Origin agentOrigin,
    KitResolver resolver) {
  public StackRequest {
    kits = List.copyOf(kits);
    Objects.requireNonNull(resolver, "resolver");
  }

  /** {@code kits}, the sandbox kit among them as the base, built-ins for {@code extends:}. */
  public static StackRequest of(List<LoadedKit> kits) {
    return new StackRequest(kits, null, null, BuiltinKits.resolver());
  }
}

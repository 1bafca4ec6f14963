package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.KitKind;
import java.util.Objects;

/**
 * One layer of a resolved stack, in fold order.
 *
 * @param name the kit's name
 * @param kind sandbox or mixin
 * @param role why it is in the stack
 * @param origin where the kit's {@code name:} is written
 */
public record StackMember(String name, KitKind kind, Role role, Origin origin) {
  public StackMember {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(origin, "origin");
  }

  /** Why a kit is a layer of the stack. */
  public enum Role {
    /** An ancestor of the base, reached through {@code extends:} (folded parent first). */
    EXTENDS,
    /** The one agent/sandbox kit of the stack. */
    BASE,
    /** A mixin named by the base kit's own {@code mixins:} list. */
    DECLARED_MIXIN,
    /** A mixin given in the stack ({@code kits:} / command line), in order. */
    MIXIN
  }
}

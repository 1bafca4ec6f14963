package dev.sbx.reconciler.apply;

import dev.sbx.reconciler.actuator.Actuators;

/**
 * One small, idempotent change to the world, journaled and retried on its own. Each implementation
 * first looks at the part of the world it owns and acts only if it differs, so running it again
 * after a crash does nothing twice.
 */
interface Action {

  /** A stable name for journal and events, for example {@code vm.create}. */
  String name();

  String sandbox();

  /** Makes the world match; returns false when it already did. Throws {@code ActuatorException}. */
  boolean run(Actuators world);
}

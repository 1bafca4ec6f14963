package dev.sbx.reconciler.actuator.memory;

/**
 * Thrown by the in-memory actuators at an injected crash point. It is an {@link Error} so that no
 * reconciler code catches it, just as nothing runs after a real {@code kill -9}; a test then starts
 * a fresh reconciler over the same state directory.
 */
public final class SimulatedCrash extends Error {
  private static final long serialVersionUID = 1L;

  public SimulatedCrash(String where) {
    super("simulated crash " + where);
  }
}

package dev.sbx.reconciler.actuator;

import java.util.Objects;

/** The three ports the reconciler observes and changes the world through. */
public record Actuators(SandboxRuntime runtime, EgressRules egress, SecretBindings secrets) {
  public Actuators {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(egress, "egress");
    Objects.requireNonNull(secrets, "secrets");
  }
}

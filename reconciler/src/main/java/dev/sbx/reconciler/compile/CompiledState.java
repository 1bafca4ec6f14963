package dev.sbx.reconciler.compile;

import dev.sbx.reconciler.desired.DesiredState;
import java.util.Map;
import java.util.Objects;

/**
 * A directory compiled: the desired state the reconciler diffs, the payload each sandbox's VM is
 * built with (by name), and warnings for the CLI to print (environment overrides, ...).
 */
public record CompiledState(DesiredState desired, Map<String, GuestPayload> payloads, java.util.List<String> warnings) {
  public CompiledState {
    Objects.requireNonNull(desired, "desired");
    payloads = Map.copyOf(payloads);
    warnings = java.util.List.copyOf(warnings);
  }

  public GuestPayload payload(String sandbox) {
    return payloads.getOrDefault(sandbox, GuestPayload.NONE);
  }
}

package dev.sbx.reconciler.observe;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.SecretBinding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What exists in the world under one sandbox name: a VM, enforced rules, bindings (each optional). */
public record ActualSandbox(
    String name, Optional<RuntimeSandbox> vm, Optional<EgressSpec> egress, List<SecretBinding> secrets) {
  public ActualSandbox {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(vm, "vm");
    Objects.requireNonNull(egress, "egress");
    List<SecretBinding> sorted = new ArrayList<>(secrets);
    sorted.sort(Comparator.comparing(SecretBinding::service));
    secrets = List.copyOf(sorted);
  }

  /** Nothing at all exists under the name. */
  public static ActualSandbox absent(String name) {
    return new ActualSandbox(name, Optional.empty(), Optional.empty(), List.of());
  }
}

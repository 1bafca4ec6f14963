package dev.sbx.reconciler.actuator;

import dev.sbx.reconciler.desired.DesiredSandbox;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reconciler's view of a sandbox runtime (the vm module implements it). Every method reads or
 * changes the real world; nothing is cached. Failures are {@link ActuatorException}s whose kind says
 * whether a retry can help.
 *
 * <p>Idempotency contract: {@code start} of a running VM, {@code stop} of a stopped one and {@code
 * destroy} of a missing one succeed and do nothing. {@code create} of a name that exists fails with
 * a permanent error (callers look first).
 */
public interface SandboxRuntime {

  /** The VMs this runtime manages, whoever created them. */
  List<RuntimeSandbox> list();

  /** The VM called {@code name}, if any. Implementations may answer faster than {@link #list()}. */
  default Optional<RuntimeSandbox> find(String name) {
    return list().stream().filter(vm -> vm.name().equals(name)).findFirst();
  }

  /**
   * Builds a stopped VM from the sandbox's immutable spec, labelled with {@code owner} and {@code
   * sandbox.immutableHash()}, using its env and startup list.
   */
  void create(DesiredSandbox sandbox, String owner);

  void start(String name);

  void stop(String name);

  /** Removes the VM and everything the runtime keeps for it. */
  void destroy(String name);

  /** Sets the env and startup list used for new execs, without rebooting. */
  void updateLive(String name, Map<String, String> env, List<String> startup);
}

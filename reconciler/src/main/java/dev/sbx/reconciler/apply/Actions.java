package dev.sbx.reconciler.apply;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.Actuators;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.SecretBinding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The actions apply is made of, one record each. */
final class Actions {
  private Actions() {}

  /** Replaces the sandbox's enforced egress rules with the desired ones. */
  record SetEgressRules(String sandbox, EgressSpec rules) implements Action {
    @Override
    public String name() {
      return "egress.set";
    }

    @Override
    public boolean run(Actuators world) {
      if (world.egress().rules(sandbox).equals(Optional.of(rules))) {
        return false;
      }
      world.egress().set(sandbox, rules);
      return true;
    }
  }

  /** Binds missing or changed services and unbinds the ones no longer wanted. */
  record SyncSecretBindings(String sandbox, List<SecretBinding> wanted) implements Action {
    @Override
    public String name() {
      return "secrets.sync";
    }

    @Override
    public boolean run(Actuators world) {
      Map<String, SecretBinding> have = new HashMap<>();
      world.secrets().bindings(sandbox).forEach(b -> have.put(b.service(), b));
      boolean changed = false;
      for (SecretBinding b : wanted) {
        if (!b.equals(have.remove(b.service()))) {
          world.secrets().bind(sandbox, b);
          changed = true;
        }
      }
      for (String extra : have.keySet()) {
        world.secrets().unbind(sandbox, extra);
        changed = true;
      }
      return changed;
    }
  }

  /** Builds the VM (stopped) unless one built from the same spec exists. */
  record CreateVm(DesiredSandbox desired, String owner) implements Action {
    @Override
    public String name() {
      return "vm.create";
    }

    @Override
    public String sandbox() {
      return desired.name();
    }

    @Override
    public boolean run(Actuators world) {
      Optional<RuntimeSandbox> vm = world.runtime().find(desired.name());
      if (vm.isPresent()) {
        if (vm.get().immutableHash().equals(desired.immutableHash())) {
          return false;
        }
        throw ActuatorException.permanent("sandbox " + desired.name() + " exists but was built from another spec ("
            + vm.get().immutableHash() + "); plan again");
      }
      world.runtime().create(desired, owner);
      return true;
    }
  }

  /** Sets env and startup list for new execs when they differ. */
  record UpdateVmLive(String sandbox, Map<String, String> env, List<String> startup) implements Action {
    @Override
    public String name() {
      return "vm.updateLive";
    }

    @Override
    public boolean run(Actuators world) {
      RuntimeSandbox vm = world.runtime().find(sandbox)
          .orElseThrow(() -> ActuatorException.permanent("sandbox " + sandbox + " disappeared during apply"));
      if (vm.env().equals(env) && vm.startup().equals(startup)) {
        return false;
      }
      world.runtime().updateLive(sandbox, env, startup);
      return true;
    }
  }

  record StartVm(String sandbox) implements Action {
    @Override
    public String name() {
      return "vm.start";
    }

    @Override
    public boolean run(Actuators world) {
      RuntimeSandbox vm = world.runtime().find(sandbox)
          .orElseThrow(() -> ActuatorException.permanent("sandbox " + sandbox + " disappeared during apply"));
      if (vm.state() == VmState.RUNNING) {
        return false;
      }
      world.runtime().start(sandbox);
      return true;
    }
  }

  record StopVm(String sandbox) implements Action {
    @Override
    public String name() {
      return "vm.stop";
    }

    @Override
    public boolean run(Actuators world) {
      Optional<RuntimeSandbox> vm = world.runtime().find(sandbox);
      if (vm.isEmpty() || vm.get().state() != VmState.RUNNING) {
        return false;
      }
      world.runtime().stop(sandbox);
      return true;
    }
  }

  record DestroyVm(String sandbox) implements Action {
    @Override
    public String name() {
      return "vm.destroy";
    }

    @Override
    public boolean run(Actuators world) {
      if (world.runtime().find(sandbox).isEmpty()) {
        return false;
      }
      world.runtime().destroy(sandbox);
      return true;
    }
  }

  record RemoveEgressRules(String sandbox) implements Action {
    @Override
    public String name() {
      return "egress.remove";
    }

    @Override
    public boolean run(Actuators world) {
      if (world.egress().rules(sandbox).isEmpty()) {
        return false;
      }
      world.egress().remove(sandbox);
      return true;
    }
  }

  record UnbindAllSecrets(String sandbox) implements Action {
    @Override
    public String name() {
      return "secrets.unbindAll";
    }

    @Override
    public boolean run(Actuators world) {
      List<SecretBinding> bound = world.secrets().bindings(sandbox);
      bound.forEach(b -> world.secrets().unbind(sandbox, b.service()));
      return !bound.isEmpty();
    }
  }
}

package dev.sbx.reconciler.actuator.memory;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.Actuators;
import dev.sbx.reconciler.actuator.EgressRules;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.SandboxRuntime;
import dev.sbx.reconciler.actuator.SecretBindings;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.SecretBinding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory runtime, egress rule table and binding table, sharing one {@link Faults} and
 * counting every mutating call ({@link #calls(String)}), for fast tests of the reconciler and of
 * the CLI. {@code create} of an existing name fails permanently, so a non-idempotent caller is
 * caught. Thread-safe (one monitor).
 */
public final class InMemoryWorld {
  private final Map<String, RuntimeSandbox> vms = new TreeMap<>();
  private final Map<String, EgressSpec> rules = new TreeMap<>();
  private final Map<String, Map<String, SecretBinding>> bindings = new TreeMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private final Faults faults = new Faults();

  public Faults faults() {
    return faults;
  }

  public Actuators actuators() {
    return new Actuators(new Runtime(), new Egress(), new Secrets());
  }

  /** How many times {@code op} (for example {@code runtime.create}) changed or tried to change the world. */
  public synchronized int calls(String op) {
    return calls.getOrDefault(op, 0);
  }

  /** Total mutating calls so far. */
  public synchronized int mutations() {
    return calls.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** A stable text of the whole world, for comparing before and after. */
  public synchronized String snapshot() {
    return "vms=" + vms + "\nrules=" + rules + "\nbindings=" + bindings;
  }

  // Direct manipulation, standing for changes made by hand outside sbx.

  public synchronized void putVm(RuntimeSandbox vm) {
    vms.put(vm.name(), vm);
  }

  public synchronized void removeVm(String name) {
    vms.remove(name);
  }

  public synchronized void setVmState(String name, VmState state) {
    RuntimeSandbox vm = vms.get(name);
    vms.put(name, new RuntimeSandbox(name, vm.owner(), vm.immutableHash(), state, vm.env(), vm.startup()));
  }

  public synchronized void putRules(String sandbox, EgressSpec spec) {
    rules.put(sandbox, spec);
  }

  public synchronized void putBinding(String sandbox, SecretBinding binding) {
    bindings.computeIfAbsent(sandbox, k -> new TreeMap<>()).put(binding.service(), binding);
  }

  public synchronized Optional<RuntimeSandbox> vm(String name) {
    return Optional.ofNullable(vms.get(name));
  }

  public synchronized List<RuntimeSandbox> vms() {
    return List.copyOf(vms.values());
  }

  public synchronized Optional<EgressSpec> rules(String sandbox) {
    return Optional.ofNullable(rules.get(sandbox));
  }

  public synchronized Map<String, EgressSpec> allRules() {
    return Map.copyOf(rules);
  }

  public synchronized List<SecretBinding> bindings(String sandbox) {
    return List.copyOf(bindings.getOrDefault(sandbox, Map.of()).values());
  }

  public synchronized Map<String, List<SecretBinding>> allBindings() {
    Map<String, List<SecretBinding>> out = new TreeMap<>();
    bindings.forEach((k, v) -> {
      if (!v.isEmpty()) {
        out.put(k, List.copyOf(v.values()));
      }
    });
    return out;
  }

  private void count(String op) {
    calls.merge(op, 1, Integer::sum);
  }

  private final class Runtime implements SandboxRuntime {
    @Override
    public List<RuntimeSandbox> list() {
      synchronized (InMemoryWorld.this) {
        faults.before("runtime.list", "*");
        List<RuntimeSandbox> out = new ArrayList<>(vms.values());
        out.sort(Comparator.comparing(RuntimeSandbox::name));
        return out;
      }
    }

    @Override
    public Optional<RuntimeSandbox> find(String name) {
      synchronized (InMemoryWorld.this) {
        return Optional.ofNullable(vms.get(name));
      }
    }

    @Override
    public void create(DesiredSandbox sandbox, String owner) {
      synchronized (InMemoryWorld.this) {
        faults.before("runtime.create", sandbox.name());
        count("runtime.create");
        if (vms.containsKey(sandbox.name())) {
          throw ActuatorException.permanent("sandbox " + sandbox.name() + " already exists");
        }
        vms.put(
            sandbox.name(),
            new RuntimeSandbox(
                sandbox.name(), owner, sandbox.immutableHash(), VmState.STOPPED,
                sandbox.live().env(), sandbox.live().startup()));
        faults.after("runtime.create", sandbox.name());
      }
    }

    @Override
    public void start(String name) {
      setState("runtime.start", name, VmState.RUNNING);
    }

    @Override
    public void stop(String name) {
      setState("runtime.stop", name, VmState.STOPPED);
    }

    private void setState(String op, String name, VmState state) {
      synchronized (InMemoryWorld.this) {
        faults.before(op, name);
        count(op);
        RuntimeSandbox vm = vms.get(name);
        if (vm == null) {
          if (state == VmState.RUNNING) {
            throw ActuatorException.permanent("no sandbox " + name);
          }
          return;
        }
        vms.put(name, new RuntimeSandbox(name, vm.owner(), vm.immutableHash(), state, vm.env(), vm.startup()));
        faults.after(op, name);
      }
    }

    @Override
    public void destroy(String name) {
      synchronized (InMemoryWorld.this) {
        faults.before("runtime.destroy", name);
        count("runtime.destroy");
        vms.remove(name);
        faults.after("runtime.destroy", name);
      }
    }

    @Override
    public void updateLive(String name, Map<String, String> env, List<String> startup) {
      synchronized (InMemoryWorld.this) {
        faults.before("runtime.updateLive", name);
        count("runtime.updateLive");
        RuntimeSandbox vm = vms.get(name);
        if (vm == null) {
          throw ActuatorException.permanent("no sandbox " + name);
        }
        vms.put(name, new RuntimeSandbox(name, vm.owner(), vm.immutableHash(), vm.state(), env, startup));
        faults.after("runtime.updateLive", name);
      }
    }
  }

  private final class Egress implements EgressRules {
    @Override
    public Map<String, EgressSpec> enforced() {
      synchronized (InMemoryWorld.this) {
        return new TreeMap<>(rules);
      }
    }

    @Override
    public Optional<EgressSpec> rules(String sandbox) {
      synchronized (InMemoryWorld.this) {
        return Optional.ofNullable(rules.get(sandbox));
      }
    }

    @Override
    public void set(String sandbox, EgressSpec spec) {
      synchronized (InMemoryWorld.this) {
        faults.before("egress.set", sandbox);
        count("egress.set");
        rules.put(sandbox, spec);
        faults.after("egress.set", sandbox);
      }
    }

    @Override
    public void remove(String sandbox) {
      synchronized (InMemoryWorld.this) {
        faults.before("egress.remove", sandbox);
        count("egress.remove");
        rules.remove(sandbox);
        faults.after("egress.remove", sandbox);
      }
    }
  }

  private final class Secrets implements SecretBindings {
    @Override
    public Map<String, List<SecretBinding>> bound() {
      return allBindings();
    }

    @Override
    public List<SecretBinding> bindings(String sandbox) {
      return InMemoryWorld.this.bindings(sandbox);
    }

    @Override
    public void bind(String sandbox, SecretBinding binding) {
      synchronized (InMemoryWorld.this) {
        faults.before("secrets.bind", sandbox);
        count("secrets.bind");
        bindings.computeIfAbsent(sandbox, k -> new TreeMap<>()).put(binding.service(), binding);
        faults.after("secrets.bind", sandbox);
      }
    }

    @Override
    public void unbind(String sandbox, String service) {
      synchronized (InMemoryWorld.this) {
        faults.before("secrets.unbind", sandbox);
        count("secrets.unbind");
        Map<String, SecretBinding> forSandbox = bindings.get(sandbox);
        if (forSandbox != null) {
          forSandbox.remove(service);
          if (forSandbox.isEmpty()) {
            bindings.remove(sandbox);
          }
        }
        faults.after("secrets.unbind", sandbox);
      }
    }
  }
}

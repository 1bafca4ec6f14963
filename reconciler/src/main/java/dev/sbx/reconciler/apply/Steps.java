package dev.sbx.reconciler.apply;

import dev.sbx.reconciler.apply.Actions.CreateVm;
import dev.sbx.reconciler.apply.Actions.DestroyVm;
import dev.sbx.reconciler.apply.Actions.RemoveEgressRules;
import dev.sbx.reconciler.apply.Actions.SetEgressRules;
import dev.sbx.reconciler.apply.Actions.StartVm;
import dev.sbx.reconciler.apply.Actions.StopVm;
import dev.sbx.reconciler.apply.Actions.SyncSecretBindings;
import dev.sbx.reconciler.apply.Actions.UnbindAllSecrets;
import dev.sbx.reconciler.apply.Actions.UpdateVmLive;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.plan.Change;
import java.util.ArrayList;
import java.util.List;

/**
 * The step for each kind of change: the actions it is made of, in dependency order. Rules and
 * bindings go in before a VM starts (it must never run unconfined); a VM is stopped before its
 * rules and bindings are removed.
 */
final class Steps {
  private Steps() {}

  /** One change's actions. */
  interface Step {
    List<Action> actions();
  }

  static Step forChange(Change change, String owner) {
    // Java 17: no pattern switch yet; the chain covers every permitted Change.
    if (change instanceof Change.Create c) {
      return new CreateSandboxStep(c.target(), owner);
    } else if (change instanceof Change.Update u) {
      return new UpdateLiveStep(u.target());
    } else if (change instanceof Change.Replace r) {
      return new ReplaceStep(r.target(), owner);
    } else if (change instanceof Change.Delete d) {
      return new DeleteStep(d.sandbox());
    }
    return List::of;
  }

  /** Rules, bindings, VM, live settings, start. */
  record CreateSandboxStep(DesiredSandbox desired, String owner) implements Step {
    @Override
    public List<Action> actions() {
      String name = desired.name();
      return List.of(
          new SetEgressRules(name, desired.live().egress()),
          new SyncSecretBindings(name, desired.live().secrets()),
          new CreateVm(desired, owner),
          new UpdateVmLive(name, desired.live().env(), desired.live().startup()),
          new StartVm(name));
    }
  }

  /** Rules and bindings, then env/startup, then start the VM if it is not running. */
  record UpdateLiveStep(DesiredSandbox desired) implements Step {
    @Override
    public List<Action> actions() {
      String name = desired.name();
      return List.of(
          new SetEgressRules(name, desired.live().egress()),
          new SyncSecretBindings(name, desired.live().secrets()),
          new UpdateVmLive(name, desired.live().env(), desired.live().startup()),
          new StartVm(name));
    }
  }

  /** Stop and destroy the old VM, then create as new (destroy-before-create: names are unique). */
  record ReplaceStep(DesiredSandbox desired, String owner) implements Step {
    @Override
    public List<Action> actions() {
      List<Action> out = new ArrayList<>();
      out.add(new StopVm(desired.name()));
      out.add(new DestroyVm(desired.name()));
      out.addAll(new CreateSandboxStep(desired, owner).actions());
      return out;
    }
  }

  /** Stop, destroy, then drop rules and bindings. */
  record DeleteStep(String sandbox) implements Step {
    @Override
    public List<Action> actions() {
      return List.of(new StopVm(sandbox), new DestroyVm(sandbox), new RemoveEgressRules(sandbox), new UnbindAllSecrets(sandbox));
    }
  }
}

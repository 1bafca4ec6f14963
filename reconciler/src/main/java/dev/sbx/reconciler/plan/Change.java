package dev.sbx.reconciler.plan;

import dev.sbx.reconciler.desired.DesiredSandbox;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One planned change to one sandbox. {@code drift} is true when the change corrects a difference
 * made outside sbx (the source did not change since the last apply).
 */
public sealed interface Change permits Change.Create, Change.Update, Change.Replace, Change.Delete, Change.NoOp {

  String sandbox();

  ChangeKind kind();

  /** The desired sandbox, absent only for deletes and for recorded sandboxes no longer declared. */
  Optional<DesiredSandbox> desired();

  /** Field-level reasons (for a no-op: drift reported but not corrected). */
  List<FieldChange> fields();

  /** Why, in a few words. */
  String reason();

  boolean drift();

  /** Build the VM and everything around it. */
  record Create(DesiredSandbox target, String reason, boolean drift) implements Change {
    public Create {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String sandbox() {
      return target.name();
    }

    @Override
    public ChangeKind kind() {
      return ChangeKind.CREATE;
    }

    @Override
    public Optional<DesiredSandbox> desired() {
      return Optional.of(target);
    }

    @Override
    public List<FieldChange> fields() {
      return List.of();
    }
  }

  /** Apply live settings in place (rules, bindings, env, startup list; start a stopped VM). */
  record Update(DesiredSandbox target, List<FieldChange> fields, boolean drift) implements Change {
    public Update {
      Objects.requireNonNull(target, "target");
      fields = List.copyOf(fields);
    }

    @Override
    public String sandbox() {
      return target.name();
    }

    @Override
    public ChangeKind kind() {
      return ChangeKind.UPDATE;
    }

    @Override
    public Optional<DesiredSandbox> desired() {
      return Optional.of(target);
    }

    @Override
    public String reason() {
      return drift ? "changed outside sbx" : "live settings changed";
    }
  }

  /** Destroy the VM and build it again (an immutable field changed). */
  record Replace(DesiredSandbox target, List<FieldChange> fields, String reason, boolean drift) implements Change {
    public Replace {
      Objects.requireNonNull(target, "target");
      fields = List.copyOf(fields);
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String sandbox() {
      return target.name();
    }

    @Override
    public ChangeKind kind() {
      return ChangeKind.REPLACE;
    }

    @Override
    public Optional<DesiredSandbox> desired() {
      return Optional.of(target);
    }
  }

  /** Prune: stop and destroy the VM, then drop its rules, bindings and record. */
  record Delete(String sandbox, String reason) implements Change {
    public Delete {
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public ChangeKind kind() {
      return ChangeKind.DELETE;
    }

    @Override
    public Optional<DesiredSandbox> desired() {
      return Optional.empty();
    }

    @Override
    public List<FieldChange> fields() {
      return List.of();
    }

    @Override
    public boolean drift() {
      return false;
    }
  }

  /**
   * Nothing to do in the world. {@code fields} lists drift that was found but not corrected ({@code
   * drift: warn}); {@code refreshRecord} asks apply to write the state record (missing, unfinished
   * or from an older revision) without touching the world.
   */
  record NoOp(String sandbox, Optional<DesiredSandbox> desired, List<FieldChange> fields, String reason, boolean refreshRecord)
      implements Change {
    public NoOp {
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(desired, "desired");
      fields = List.copyOf(fields);
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public ChangeKind kind() {
      return ChangeKind.NO_OP;
    }

    @Override
    public boolean drift() {
      return !fields.isEmpty();
    }
  }
}

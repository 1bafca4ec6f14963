package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.EgressRules;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.SandboxRuntime;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.compile.CompiledState;
import dev.sbx.reconciler.compile.DesiredCompiler;
import dev.sbx.reconciler.compile.GuestPayload;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.merge.KitAllows;
import dev.sbx.reconciler.state.StateStore;
import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sbx create} / {@code sbx run} through the daemon: a sandbox made from an agent (a built-in
 * or a kit), optional mixin kits, a workspace and resources, compiled exactly like a Sandbox
 * manifest without a policy (so its egress is the default, {@code balanced}, plus what its kits
 * allow), then created on the daemon's runtime with its own egress listener on the proxy and rules
 * in place before it boots. Such sandboxes carry the owner {@value #OWNER}: no source manages them,
 * so {@code sbx policy} changes to them are not drift, and the daemon puts their rules back after a
 * restart (from the {@link ImperativeLedger}).
 */
final class ImperativeSandboxes {
  static final String OWNER = "cli";

  /** What {@code POST /v1/sandboxes} asks for. */
  /** {@code image}: a stored image to boot instead of the kit's (sbx create --image), or null. */
  record CreateRequest(String name, String agent, List<String> kits, String workspace, int cpus, String memory,
      String image) {
    CreateRequest {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(agent, "agent");
      kits = List.copyOf(kits);
    }
  }

  private final SandboxRuntime runtime;
  private final EgressRules egress;
  private final StateStore records;
  private final ImperativeLedger ledger;
  private final DesiredCompiler compiler;
  private final Path scratch;
  private final Map<String, GuestPayload> payloads = new ConcurrentHashMap<>();

  ImperativeSandboxes(SandboxRuntime runtime, EgressRules egress, StateStore records, ImperativeLedger ledger,
      DesiredCompiler compiler, Path scratch) {
    this.runtime = runtime;
    this.egress = egress;
    this.records = records;
    this.ledger = ledger;
    this.compiler = compiler;
    this.scratch = scratch;
  }

  /** The kit files and commands of a sandbox created here (the runtime adapter asks while creating). */
  GuestPayload payload(String name) {
    return payloads.get(name);
  }

  /** Creates and starts the sandbox; a user error (bad agent, kit, workspace) changes nothing. */
  synchronized RuntimeSandbox create(CreateRequest r) {
    if (!DesiredSandbox.isValidName(r.name())) {
      throw RouteError.invalid("sandbox name \"" + r.name() + "\" is not valid: use lowercase letters, digits and '-'"
          + " (at most 63), starting and ending with a letter or digit; pass --name");
    }
    if (runtime.find(r.name()).isPresent() || records.get(r.name()).isPresent()) {
      throw new RouteError(409, "ALREADY_EXISTS", "sandbox " + r.name() + " already exists; pick another --name or"
          + " `sbx rm " + r.name() + "`");
    }
    if (r.workspace() != null && !Files.isDirectory(Path.of(r.workspace()))) {
      throw RouteError.invalid("workspace " + r.workspace() + " is not a directory; create it or pass another path");
    }
    CompiledState compiled = compile(r);
    DesiredSandbox d = withImage(compiled.desired().sandboxes().get(0), r.image());
    payloads.put(d.name(), compiled.payload(d.name()));
    try {
      egress.set(d.name(), d.live().egress());
      ledger.putCli(d.name(), new ImperativeLedger.CliSandbox(r.agent(), d.live().egress(), d.live().egress()));
      runtime.create(d, OWNER);
      runtime.updateLive(d.name(), d.live().env(), d.live().startup());
      runtime.start(d.name());
    } catch (RuntimeException e) {
      undo(d.name());
      throw e;
    } finally {
      payloads.remove(d.name());
    }
    return runtime.find(d.name()).orElseThrow(() -> new IllegalStateException("created sandbox vanished: " + d.name()));
  }

  /** The kit's image replaced by the one asked for; the runtime boots it when the image store holds it. */
  private static DesiredSandbox withImage(DesiredSandbox d, String image) {
    if (image == null || image.isBlank()) {
      return d;
    }
    var imm = d.immutable();
    return new DesiredSandbox(d.name(), d.agent(), new dev.sbx.reconciler.desired.ImmutableSpec(image, imm.kernel(),
        imm.installCommands(), imm.resources(), imm.workspace(), imm.mounts()), d.live(), d.drift(), d.provenance());
  }

  private CompiledState compile(CreateRequest r) {
    Path dir;
    try {
      Files.createDirectories(scratch);
      dir = Files.createTempDirectory(scratch, "create-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      StringBuilder yaml = new StringBuilder("apiVersion: sbx/v1\nkind: Sandbox\nmetadata:\n  name: ")
          .append(q(r.name())).append("\nspec:\n  agent: ").append(q(r.agent())).append('\n');
      if (!r.kits().isEmpty()) {
        yaml.append("  kits: [").append(r.kits().stream().map(ImperativeSandboxes::q).collect(Collectors.joining(", ")))
            .append("]\n");
      }
      if (r.workspace() != null) {
        yaml.append("  workspace: ").append(q(r.workspace())).append('\n');
      }
      yaml.append("  resources: {cpus: ").append(r.cpus()).append(", memory: ").append(q(r.memory())).append("}\n");
      Files.writeString(dir.resolve("sandbox.yaml"), yaml);
      try {
        return compiler.compileDirectory(dir, KitAllows.ALLOW);
      } catch (ManifestException e) {
        // The manifest is ours; what the user can fix is the agent, a kit, the workspace or a size.
        throw RouteError.invalid(e.problems().stream().map(Problem::headline).collect(Collectors.joining("; ")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  /** Starts a stopped sandbox (its listener is bound first); an imperative one gets its rules back too. */
  synchronized void start(String name) {
    if (runtime.find(name).isEmpty()) {
      throw RouteError.notFound("no sandbox " + name + "; see sbx ls");
    }
    ledger.cli(name).ifPresent(c -> egress.set(name, c.current()));
    runtime.start(name);
  }

  /** Removes an imperative sandbox (VM, rules, ledger); false when {@code name} is not one. */
  synchronized boolean remove(String name) {
    if (ledger.cli(name).isEmpty()) {
      return false;
    }
    undo(name);
    return true;
  }

  private void undo(String name) {
    quietly(n -> runtime.stop(n), name);
    quietly(n -> runtime.destroy(n), name);
    quietly(n -> egress.remove(n), name);
    ledger.forget(name);
  }

  /** After a daemon restart: rules back on the proxy, then the runtime re-attaches (no reboot). */
  void readopt(Consumer<String> log) {
    for (var e : ledger.cliSandboxes().entrySet()) {
      try {
        var vm = runtime.find(e.getKey());
        if (vm.isEmpty()) {
          continue;
        }
        egress.set(e.getKey(), e.getValue().current());
        if (vm.get().state() == VmState.RUNNING) {
          runtime.start(e.getKey());
          log.accept("re-adopted " + e.getKey() + " (created by sbx create/run)");
        }
      } catch (ActuatorException ex) {
        log.accept("warning: cannot re-adopt " + e.getKey() + ": " + ex.getMessage());
      }
    }
  }

  private static void quietly(Consumer<String> action, String name) {
    try {
      action.accept(name);
    } catch (RuntimeException ignored) {
      // best effort: the next `sbx rm` or apply sees what is left
    }
  }

  private static String q(String s) {
    return JsonMapper.shared().writeValueAsString(s); // a JSON string is a YAML flow scalar
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover scratch directory is harmless
    }
  }
}

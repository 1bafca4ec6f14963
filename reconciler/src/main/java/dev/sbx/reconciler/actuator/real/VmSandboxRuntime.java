package dev.sbx.reconciler.actuator.real;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.SandboxRuntime;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.compile.GuestPayload;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.vm.api.EgressEndpoint;
import dev.sbx.vm.api.GuestCommand;
import dev.sbx.vm.api.GuestFile;
import dev.sbx.vm.api.KitApplication;
import dev.sbx.vm.api.Mount;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reconciler's {@link SandboxRuntime} port on the vm module's runtime (the qemu-microvm driver
 * in the daemon). A VM is labelled with its owner and the desired immutable hash (the vm spec's
 * {@code specHash}), so {@link #list()} reports what each VM was built from by reading the
 * runtime's real state. Each VM's egress endpoint is its unix-socket listener on the proxy; the CA
 * PEM goes in when the sandbox has credentials bound (TLS interception).
 *
 * <p>Live settings (env and startup list for new execs) are kept per sandbox in {@code
 * live/NAME.json} and updated in place: {@link #updateLive} never touches the VM, so it keeps its
 * boot id. The guest applies the startup list of its spec on the next boot.
 */
public final class VmSandboxRuntime implements SandboxRuntime {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int AGENT_UID = 1000;

  private final dev.sbx.vm.api.SandboxRuntime vm;
  private final Function<String, GuestPayload> payloads;
  private final EgressListeners listeners;
  private final Supplier<String> caPem;
  private final Path liveDir;
  private final java.util.function.Predicate<String> imageStored;

  /**
   * @param payloads the files and commands of the sandbox being created (from the compiler)
   * @param caPem the interception CA, given to sandboxes that have secrets bound
   * @param imageStored whether the image store holds an image reference (pulled or built); a kit's
   *     image boots as the root only then, otherwise the sandbox gets sbx's built-in busybox root
   */
  public VmSandboxRuntime(dev.sbx.vm.api.SandboxRuntime vm, Function<String, GuestPayload> payloads,
      EgressListeners listeners, Supplier<String> caPem, Path liveDir,
      java.util.function.Predicate<String> imageStored) {
    this.vm = vm;
    this.payloads = payloads;
    this.listeners = listeners;
    this.caPem = caPem;
    this.liveDir = liveDir;
    this.imageStored = imageStored;
  }

  /**
   * Whether the image store of a QEMU runtime holds a reference; other runtimes (the fake) hold no
   * images. A text that is no valid reference (an ambiguous id prefix, say) is not an image we hold.
   */
  public static java.util.function.Predicate<String> storedImages(dev.sbx.vm.api.SandboxRuntime vm) {
    if (!(vm instanceof dev.sbx.vm.microvm.MicrovmRuntime microvm)) {
      return ref -> false;
    }
    return ref -> {
      try {
        return microvm.imageStore().find(ref).isPresent();
      } catch (RuntimeException notAReference) {
        return false;
      }
    };
  }

  /**
   * The kit's image as the store names it: the compiler appends {@code +files@DIGEST} to the image
   * reference when the stack has files (so a changed file replaces the VM); that part is not the image's.
   */
  static String kitImage(String imageRef) {
    int files = imageRef.indexOf("+files@");
    return files < 0 ? imageRef : imageRef.substring(0, files);
  }

  @Override
  public List<RuntimeSandbox> list() {
    List<SandboxInfo> infos = call("list", () -> vm.list());
    List<RuntimeSandbox> out = new ArrayList<>();
    for (SandboxInfo i : infos) {
      out.add(toRuntime(i));
    }
    return out;
  }

  @Override
  public Optional<RuntimeSandbox> find(String name) {
    return call(name, () -> vm.inspect(name)).map(this::toRuntime);
  }

  private RuntimeSandbox toRuntime(SandboxInfo i) {
    Live live = readLive(i.name());
    VmState state = switch (i.state()) {
      case RUNNING -> VmState.RUNNING;
      case STOPPED -> VmState.STOPPED;
      // a VM that is alive but whose agent never became ready is as good as crashed: start reboots it
      case STARTING, EXITED -> VmState.EXITED;
    };
    return new RuntimeSandbox(i.name(), i.owner(), i.specHash(), state, live.env(), live.startup());
  }

  @Override
  public void create(DesiredSandbox sandbox, String owner) {
    String name = sandbox.name();
    GuestPayload payload = payloads.apply(name);
    Path endpoint = listeners.ensure(name);
    var imm = sandbox.immutable();
    List<Mount> mounts = imm.mounts().stream().map(m -> Mount.samePath(Path.of(m.path()), m.readOnly())).toList();
    SandboxSpec basic = new SandboxSpec(name, owner, sandbox.immutableHash(), imm.resources().cpus(),
        imm.resources().memoryMib(), imm.workspace().isEmpty() ? null : Path.of(imm.workspace()), mounts,
        sandbox.live().env(), new EgressEndpoint.UnixSocket(endpoint),
        sandbox.live().secrets().isEmpty() ? null : caPem.get(), kit(payload),
        Map.of("agent", sandbox.agent(), "managed-by", "sbx", "image", imm.imageRef(),
            "created-at", java.time.Instant.now().toString()));
    // Pulling is explicit (sbx image pull / build), never a side effect of apply: an image the store
    // does not hold leaves the sandbox on the built-in busybox root (docs/images.md says how to pull first).
    String image = kitImage(imm.imageRef());
    SandboxSpec spec = !image.isBlank() && imageStored.test(image) ? basic.withImage(image) : basic;
    writeLive(name, new Live(sandbox.live().env(), sandbox.live().startup()));
    call(name, () -> vm.create(spec));
  }

  static KitApplication kit(GuestPayload p) {
    List<GuestFile> files = p.files().stream()
        .map(f -> new GuestFile(f.guestPath(), f.content(), f.mode() == 0 ? 0644 : f.mode(), AGENT_UID, AGENT_UID))
        .toList();
    return new KitApplication(files, p.install().stream().map(VmSandboxRuntime::command).toList(),
        p.startup().stream().map(VmSandboxRuntime::command).toList());
  }

  private static GuestCommand command(GuestPayload.Command c) {
    return c.root() ? GuestCommand.asRoot(c.description(), c.shell()) : GuestCommand.asAgent(c.description(), c.shell());
  }

  @Override
  public void start(String name) {
    listeners.ensure(name); // a re-adopted VM needs its listener before the guest dials it
    call(name, () -> vm.start(name));
  }

  @Override
  public void stop(String name) {
    try {
      call(name, () -> {
        vm.stop(name);
        return null;
      });
    } catch (ActuatorException e) {
      if (vm.inspect(name).isPresent()) {
        throw e;
      }
    }
  }

  @Override
  public void destroy(String name) {
    if (vm.inspect(name).isEmpty()) {
      deleteLive(name);
      return;
    }
    call(name, () -> {
      vm.destroy(name);
      return null;
    });
    deleteLive(name);
  }

  @Override
  public void updateLive(String name, Map<String, String> env, List<String> startup) {
    if (vm.inspect(name).isEmpty()) {
      throw ActuatorException.permanent("sandbox " + name + " does not exist");
    }
    writeLive(name, new Live(env, startup));
  }

  /** Env and startup list in effect for new execs. */
  private record Live(Map<String, String> env, List<String> startup) {}

  private Live readLive(String name) {
    Path f = liveDir.resolve(name + ".json");
    if (!Files.exists(f)) {
      return new Live(Map.of(), List.of());
    }
    try {
      JsonNode n = JSON.readTree(Files.readString(f));
      Map<String, String> env = new TreeMap<>();
      n.get("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
      List<String> startup = new ArrayList<>();
      n.get("startup").forEach(s -> startup.add(s.asString()));
      return new Live(env, startup);
    } catch (IOException | RuntimeException e) {
      return new Live(Map.of(), List.of()); // unreadable = unknown: the reconciler sets it again
    }
  }

  private void writeLive(String name, Live live) {
    ObjectNode n = JSON.createObjectNode();
    ObjectNode env = n.putObject("env");
    live.env().forEach(env::put);
    var startup = n.putArray("startup");
    live.startup().forEach(startup::add);
    try {
      Files.createDirectories(liveDir);
      Path tmp = liveDir.resolve(name + ".json.tmp");
      Files.writeString(tmp, JSON.writeValueAsString(n));
      Files.move(tmp, liveDir.resolve(name + ".json"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ActuatorException(ActuatorException.Kind.ENVIRONMENT, "cannot write live settings: " + e.getMessage(), e);
    }
  }

  private void deleteLive(String name) {
    try {
      Files.deleteIfExists(liveDir.resolve(name + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Call<T> {
    T run();
  }

  private static <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (SandboxException e) {
      throw translate(e);
    }
  }

  static ActuatorException translate(SandboxException e) {
    ActuatorException.Kind kind = switch (e.kind()) {
      case ENVIRONMENT -> ActuatorException.Kind.ENVIRONMENT;
      default -> e.retryable() ? ActuatorException.Kind.TRANSIENT : ActuatorException.Kind.PERMANENT;
    };
    return new ActuatorException(kind, e.getMessage(), e);
  }
}

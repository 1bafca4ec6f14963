package dev.sbx.cli;

import dev.sbx.cli.output.Progress;
import dev.sbx.cli.output.Terminals;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx create AGENT [PATH] [--name N] [--kit K]...}: creates and starts a sandbox with PATH as
 * its workspace, through the daemon (started on demand), which gives it an egress endpoint with the
 * default policy ({@code balanced} plus what its kits allow) and lists it as owned by {@code cli}.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx create shell ~/src/api --name api-dev --cpus 2 -m 2g",
        "  sbx create shell                          # the current directory as workspace",
        "  sbx create shell ~/src/app --image debian:bookworm-git-python3",
        "  sbx create shell . --kit ./kits/rust      # with a mixin kit"},
    name = "create", mixinStandardHelpOptions = true, description = "Create and start a sandbox for AGENT with PATH (default: .) as workspace.")
final class SandboxCreateCommand implements Callable<Integer> {
  static final String SHELL = "shell";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "AGENT", description = "the agent: built in (shell, claude) or an agent kit")
  String agent;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "workspace, shared at the same path")
  Path path;

  @Option(names = "--name", description = "sandbox name (default: AGENT-DIRNAME)")
  String name;

  @Option(names = "--kit", paramLabel = "K", description = "kits to stack on the agent (directories or git+https refs)")
  List<String> kits = List.of();

  @Option(names = "--cpus", defaultValue = "1", description = "virtual CPUs (default: ${DEFAULT-VALUE})")
  int cpus;

  @Option(names = {"-m", "--memory"}, defaultValue = "1g", paramLabel = "SIZE",
      description = "guest memory, e.g. 512m or 2g (default: ${DEFAULT-VALUE})")
  String memory;

  @Option(names = "--image", paramLabel = "REF",
      description = "boot this stored image as the root (see `sbx image ls`); default: the built-in busybox root")
  String image;

  @Mixin SbxLocations locations;

  /** Set by {@code sbx run} when it already found that no daemon can be had. */
  boolean direct;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    Optional<DaemonSandboxes> daemon = direct ? Optional.empty() : daemon(locations, err);
    if (daemon.isEmpty()) {
      return createDirect();
    }
    Path workspace = (path == null ? Path.of("") : path).toAbsolutePath().normalize();
    String sandbox = name != null ? name : defaultName(agent, workspace);
    return createThroughDaemon(daemon.get(), sandbox, workspace, spec);
  }

  /**
   * The daemon of the state directory (started on demand): it gives the sandbox its egress endpoint.
   * Empty when a test swapped a runtime in, or when no daemon can be started (then the sandbox is
   * created directly, without an egress endpoint, and a warning says so).
   */
  static Optional<DaemonSandboxes> daemon(SbxLocations locations, java.io.PrintWriter err) {
    if (SandboxRuntimes.overridden()) {
      return Optional.empty();
    }
    try {
      return Optional.of(DaemonSandboxes.connect(locations));
    } catch (CliFailure e) {
      if (e.exitCode() != ExitCodes.ENVIRONMENT) {
        throw e;
      }
      err.println("sbx: warning: " + e.getMessage());
      err.println("sbx: warning: creating the sandbox without the daemon: it has no egress endpoint (no network)");
      return Optional.empty();
    }
  }

  /** {@code POST /v1/sandboxes}; prints {@code NAME running (ready in N s)}. */
  int createThroughDaemon(DaemonSandboxes daemon, String sandbox, Path workspace, CommandSpec where) {
    var err = where.commandLine().getErr();
    if (!Files.isDirectory(workspace)) {
      err.println("sbx: workspace " + workspace + " is not a directory; create it or pass another PATH");
      return 2;
    }
    long memoryMib;
    try {
      memoryMib = parseMemory(memory);
    } catch (IllegalArgumentException e) {
      err.println("sbx: -m " + memory + ": " + e.getMessage());
      return 2;
    }
    if (image != null && !imageStored(image)) {
      err.println("sbx: image " + image + " is not in the image store; `sbx image pull " + image
          + "` or `sbx image build` it first (`sbx image ls` lists what is stored)");
      return 2;
    }
    ObjectNode body = JsonMapper.shared().createObjectNode().put("name", sandbox).put("agent", agent)
        .put("workspace", workspace.toString()).put("cpus", cpus).put("memory", memoryMib + "m");
    if (image != null) {
      body.put("image", image);
    }
    var kitArray = body.putArray("kits");
    for (String k : kits) {
      Path local = Path.of(k);
      kitArray.add(!k.contains("://") && !k.startsWith("git+") && Files.exists(local)
          ? local.toAbsolutePath().normalize().toString() : k);
    }
    long started = System.nanoTime();
    JsonNode created = daemon.call("POST", "/v1/sandboxes", body.toString());
    where.commandLine().getOut().printf("%s %s (ready in %.1f s)%n", created.get("name").asString(),
        created.get("state").asString(), (System.nanoTime() - started) / 1e9);
    where.commandLine().getOut().flush();
    for (JsonNode failure : created.path("failures")) {
      err.println("sbx: warning: " + failure.asString());
    }
    return 0;
  }

  /** Without a daemon: the runtime directly (only the built-in shell agent, no kits, no egress). */
  private int createDirect() {
    var err = spec.commandLine().getErr();
    if (!SHELL.equals(agent)) {
      err.println("sbx: agent '" + agent + "' is not built in; only 'shell' runs without kits. "
          + "Agents from kits come with `sbx apply`.");
      return 2;
    }
    if (!kits.isEmpty()) {
      err.println("sbx: --kit needs the kit merge engine, which `sbx create` does not use yet; "
          + "create a plain 'shell' sandbox or use `sbx apply`.");
      return 2;
    }
    Path workspace = (path == null ? Path.of("") : path).toAbsolutePath().normalize();
    if (!Files.isDirectory(workspace)) {
      err.println("sbx: workspace " + workspace + " is not a directory; create it or pass another PATH");
      return 2;
    }
    long memoryMib;
    try {
      memoryMib = parseMemory(memory);
    } catch (IllegalArgumentException e) {
      err.println("sbx: -m " + memory + ": " + e.getMessage());
      return 2;
    }
    String sandbox = name != null ? name : defaultName(agent, workspace);
    SandboxSpec sandboxSpec;
    try {
      sandboxSpec = SandboxSpec.minimal(sandbox)
          .withOwner("cli:" + System.getProperty("user.name"), hash(agent, workspace, cpus, memoryMib, image))
          .withWorkspace(workspace).withResources(cpus, memoryMib).withLabels(Map.of("agent", agent))
          .withImage(image);
    } catch (IllegalArgumentException e) {
      err.println("sbx: " + e.getMessage());
      return 2;
    }
    try (var runtime = SandboxRuntimes.open()) {
      runtime.create(sandboxSpec);
      long started = System.nanoTime();
      SandboxInfo info;
      try (Progress boot = Progress.start(err, Terminals.stderrIsTerminal(), "booting " + sandbox)) {
        info = runtime.start(sandbox);
        boot.done(info.state().name().toLowerCase(Locale.ROOT));
      }
      spec.commandLine().getOut().printf("%s %s (ready in %.1f s)%n", info.name(), info.state().name().toLowerCase(
          Locale.ROOT), (System.nanoTime() - started) / 1e9);
      for (String failure : info.failures()) {
        err.println("sbx: warning: " + failure);
      }
      return 0;
    } catch (SandboxException e) {
      return SandboxRuntimes.fail(spec, e);
    }
  }

  /** The daemon boots an image only when the store (shared by the CLI and the daemon) holds it. */
  private static boolean imageStored(String reference) {
    try {
      return dev.sbx.vm.image.store.ImageStore.open(dev.sbx.vm.host.SbxDirs.fromEnvironment()).find(reference).isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  static String defaultName(String agent, Path workspace) {
    String base = workspace.getFileName() == null ? "root" : workspace.getFileName().toString();
    String cleaned = (agent + "-" + base).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "-");
    return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
  }

  /** {@code 512m}, {@code 2g}, {@code 1024} (MiB). */
  static long parseMemory(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (!t.matches("\\d+[mg]?i?b?")) {
      throw new IllegalArgumentException("expected a size like 512m or 2g");
    }
    long n = Long.parseLong(t.replaceAll("[^0-9]", ""));
    return t.contains("g") ? n * 1024 : n;
  }

  private static String hash(String agent, Path workspace, int cpus, long memoryMib, String image) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(
          (agent + "\n" + workspace + "\n" + cpus + "\n" + memoryMib + (image == null ? "" : "\n" + image)).getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

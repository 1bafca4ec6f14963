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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sbx create AGENT [PATH]}: creates and starts a sandbox with PATH as its workspace. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx create shell ~/src/api --name api-dev --cpus 2 -m 2g",
        "  sbx create shell                          # the current directory as workspace"},
    name = "create", mixinStandardHelpOptions = true, description = "Create and start a sandbox for AGENT with PATH (default: .) as workspace.")
final class SandboxCreateCommand implements Callable<Integer> {
  static final String SHELL = "shell";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "AGENT", description = "the agent; built in: shell")
  String agent;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "workspace, shared at the same path")
  Path path;

  @Option(names = "--name", description = "sandbox name (default: AGENT-DIRNAME)")
  String name;

  @Option(names = "--kit", paramLabel = "K", description = "kits to stack (needs `sbx apply`; not yet here)")
  List<String> kits = List.of();

  @Option(names = "--cpus", defaultValue = "1", description = "virtual CPUs (default: ${DEFAULT-VALUE})")
  int cpus;

  @Option(names = {"-m", "--memory"}, defaultValue = "1g", paramLabel = "SIZE",
      description = "guest memory, e.g. 512m or 2g (default: ${DEFAULT-VALUE})")
  String memory;

  @Override
  public Integer call() {
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
          .withOwner("cli:" + System.getProperty("user.name"), hash(agent, workspace, cpus, memoryMib))
          .withWorkspace(workspace).withResources(cpus, memoryMib).withLabels(Map.of("agent", agent));
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

  private static String hash(String agent, Path workspace, int cpus, long memoryMib) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(
          (agent + "\n" + workspace + "\n" + cpus + "\n" + memoryMib).getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

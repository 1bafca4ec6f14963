package dev.sbx.cli;

import dev.sbx.reconciler.merge.Renderer;
import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.KitSources;
import dev.sbx.schemas.KitWriter;
import dev.sbx.schemas.model.LoadedKit;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx kit render KIT... [--agent NAME] [-o yaml|json] [--explain]}: prints a kit in its
 * canonical form, a schemaVersion "2" document (v1 kits folded, args substituted). One KIT
 * without {@code --agent}/{@code --explain} is printed as written; several KITs (or {@code
 * --agent}, or {@code --explain}) are ONE stack: the agent kit (the one sandbox kit given, or
 * {@code --agent NAME}) with the mixins in order, merged by the merge engine
 * ({@code dev.sbx.reconciler.merge}) and printed as the effective kit. Nothing is printed unless
 * every kit loads and the stack merges.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx kit render ./kits/rust                # one kit, canonical form",
        "  sbx kit render ./kits/rust ./kits/node --agent claude --explain",
        "  sbx kit render ./kits/rust -o json"},
    name = "render", mixinStandardHelpOptions = true, versionProvider = SbxVersion.class,
    description = "Print a kit, or a stack of kits merged into one, in canonical schemaVersion "
        + "\"2\" form.")
final class KitRenderCommand implements Callable<Integer> {
  enum Format { yaml, json }

  @Spec CommandSpec spec;

  @Mixin KitOptions options;

  @Option(names = {"-o", "--output"}, defaultValue = "yaml", paramLabel = "yaml|json",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Parameters(arity = "1..*", paramLabel = "KIT",
      description = "Kit references; several are one stack (agent kit + mixins in order).")
  List<String> paths;

  @Option(names = "--agent", paramLabel = "NAME",
      description = "The stack's agent: a built-in (shell, claude) or a given sandbox kit's name.")
  String agent;

  @Option(names = "--explain",
      description = "Show where each value came from and what it overrode.")
  boolean explain;

  @Override
  public Integer call() {
    KitLoader loader = new KitLoader(options.loadOptions());
    KitSources sources = KitSources.defaults();
    List<LoadedKit> kits = new ArrayList<>();
    for (String path : paths) {
      kits.add(loader.load(sources.resolve(path)));
    }
    options.checkEveryKitArgWasUsed(kits.stream().map(k -> k.kit().name()).toList());
    PrintWriter out = spec.commandLine().getOut();
    if (paths.size() > 1 || agent != null || explain) {
      return StackRender.print(kits, agent, format == Format.yaml ? Renderer.Format.YAML
          : Renderer.Format.JSON, explain, out, spec.commandLine().getErr());
    }
    for (int i = 0; i < kits.size(); i++) {
      if (format == Format.yaml) {
        if (kits.size() > 1) {
          out.println("---");
        }
        out.print(KitWriter.toYaml(kits.get(i).kit()));
      } else {
        out.print(KitWriter.toJson(kits.get(i).kit()));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}

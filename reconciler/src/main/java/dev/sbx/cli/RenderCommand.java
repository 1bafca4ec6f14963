package dev.sbx.cli;

import dev.sbx.reconciler.merge.KitAllows;
import dev.sbx.reconciler.merge.Renderer;
import dev.sbx.reconciler.merge.ResolvedSandbox;
import dev.sbx.reconciler.merge.SandboxStacks;
import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.KitSources;
import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.Problem;
import dev.sbx.schemas.model.SourceFile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sbx render -f DIR [--sandbox NAME] [-o yaml|json] [--explain]}: the effective spec of
 * each Sandbox manifest in DIR: its kits (relative to the manifest) stacked on its agent, its
 * NetworkPolicy applied. Documents are printed sorted by sandbox name (YAML: a multi-document
 * stream; JSON: one document after the other). Nothing is printed unless all of DIR loads.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx render -f examples/quickstart",
        "  sbx render -f gitops --sandbox api-dev --explain",
        "  sbx render -f gitops -o json"},
    name = "render", mixinStandardHelpOptions = true,
    description = "Print the effective spec of the Sandbox manifests in a directory.")
final class RenderCommand implements Callable<Integer> {
  enum Format { yaml, json }

  @Spec CommandSpec spec;

  @Mixin KitOptions options;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "DIR",
      description = "Directory (searched recursively) or file with sbx/v1 manifests.")
  Path dir;

  @Option(names = "--sandbox", paramLabel = "NAME", description = "Only this sandbox.")
  String sandbox;

  @Option(names = {"-o", "--output"}, defaultValue = "yaml", paramLabel = "yaml|json",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--explain",
      description = "Show where each value came from and what it overrode.")
  boolean explain;

  @Option(names = "--kit-allows", defaultValue = "allow", paramLabel = "allow|intersect|ignore",
      description = "Whether kit allows may widen egress beyond the sandbox's NetworkPolicy "
          + "(until NetworkPolicy carries it): allow, intersect or ignore (default: "
          + "${DEFAULT-VALUE}).", converter = KitAllowsConverter.class)
  KitAllows kitAllows;

  @Override
  public Integer call() {
    if (!Files.exists(dir)) {
      throw new dev.sbx.schemas.ManifestException(new Problem(SourceFile.of(dir), Position.START,
          "", "no such file or directory: " + dir, "pass the directory holding the manifests"));
    }
    List<ResolvedSandbox> resolved = SandboxStacks.resolveDirectory(dir,
        new KitLoader(options.loadOptions()), KitSources.defaults(), kitAllows);
    if (resolved.isEmpty()) {
      throw new dev.sbx.schemas.ManifestException(new Problem(SourceFile.of(dir), Position.START,
          "", "no Sandbox manifests in " + dir,
          "a Sandbox manifest is a *.yaml file with apiVersion: sbx/v1 and kind: Sandbox "
              + "(directories holding spec.yaml are kits and are not searched)"));
    }
    if (sandbox != null) {
      resolved = resolved.stream().filter(r -> r.name().equals(sandbox)).toList();
      if (resolved.isEmpty()) {
        throw new dev.sbx.schemas.ManifestException(new Problem(null, null, "",
            "no Sandbox named \"" + sandbox + "\" in " + dir, "sbx render -f " + dir
                + " lists them all"));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Renderer.Format f = format == Format.yaml ? Renderer.Format.YAML : Renderer.Format.JSON;
    for (ResolvedSandbox r : resolved) {
      StackRender.warnings(r.kit().warnings(), err);
      if (f == Renderer.Format.YAML && resolved.size() > 1) {
        out.println("---");
      }
      out.print(Renderer.sandbox(r, f, explain));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Lower-case names on the command line. */
  static final class KitAllowsConverter implements picocli.CommandLine.ITypeConverter<KitAllows> {
    @Override
    public KitAllows convert(String value) {
      return KitAllows.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
  }
}

package dev.sbx.cli;

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
 * {@code sbx kit render PATH... [-o yaml|json]}: prints each kit in its canonical form, a
 * schemaVersion "2" document (v1 kits folded, args substituted). Several PATHs are rendered one
 * after the other (YAML: a multi-document stream; JSON: one object each, in order);
 * stacking them into one sandbox is {@code sbx render}'s job. Nothing is printed unless every kit
 * loads.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = {"Print kits in canonical schemaVersion \"2\" form (v1 folded, args substituted).",
        "Several PATHs are rendered one after the other (YAML: separated by ---; JSON: one",
        "object each); they are not stacked. Nothing is printed unless every kit loads."})
final class KitRenderCommand implements Callable<Integer> {
  enum Format { yaml, json }

  @Spec CommandSpec spec;

  @Mixin KitOptions options;

  @Option(names = {"-o", "--output"}, defaultValue = "yaml", paramLabel = "yaml|json",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Kit references to render.")
  List<String> paths;

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

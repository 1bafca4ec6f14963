package dev.sbx.cli;

import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.KitSources;
import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.Problem;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx kit validate PATH...}: loads each kit fully (YAML, schema, semantic checks, files/)
 * and reports every problem as {@code FILE:LINE:COL: message}. Exit 0 when all are valid, 2
 * otherwise. Every path is checked, even after a failure.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx kit validate ./kits/rust ./kits/node",
        "  sbx kit validate \"git+https://github.com/org/kits.git#ref=v1&dir=node\""},
    name = "validate", mixinStandardHelpOptions = true, versionProvider = SbxVersion.class,
    description = "Check kits: a directory, spec file, .zip, or git+https|ssh|file://...#ref=&dir=.")
final class KitValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin KitOptions options;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Kit references to validate.")
  List<String> paths;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KitLoader loader = new KitLoader(options.loadOptions());
    KitSources sources = KitSources.defaults();
    int invalid = 0;
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String path : paths) {
      try {
        LoadedKit kit = loader.load(sources.resolve(path));
        names.add(kit.kit().name());
        for (Problem warning : kit.warnings()) {
          err.println(warning.file().displayName() + ":" + warning.position() + ": warning: "
              + warning.message() + (warning.hint() == null ? "" : "\n    hint: " + warning.hint()));
        }
        out.println("ok   " + path + " (" + kit.kit().kind().yamlName() + " " + kit.kit().name()
            + ", schemaVersion \"" + kit.schemaVersion() + "\")");
      } catch (ManifestException e) {
        invalid++;
        ErrorHandler.render(e.problems()).forEach(err::println);
        out.println("FAIL " + path + " (" + e.problems().size() + " problem"
            + (e.problems().size() == 1 ? "" : "s") + ")");
      }
    }
    out.flush();
    err.flush();
    if (invalid == 0) {
      options.checkEveryKitArgWasUsed(names);
    }
    return invalid == 0 ? ExitCodes.OK : ExitCodes.INVALID_INPUT;
  }
}

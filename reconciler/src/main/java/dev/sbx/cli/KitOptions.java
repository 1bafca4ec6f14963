package dev.sbx.cli;

import dev.sbx.schemas.KitArgs;
import dev.sbx.schemas.KitLoadOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the kit subcommands. */
final class KitOptions {
  @Option(names = "--kit-arg", paramLabel = "KIT.NAME=VALUE",
      description = "Set a kit arg (substituted as $${{ kit.args.NAME }}); repeatable.")
  List<String> kitArgs = new ArrayList<>();

  @Option(names = "--max-spec-bytes", paramLabel = "BYTES", defaultValue = "1048576",
      description = "Largest spec file accepted (default: ${DEFAULT-VALUE}).")
  long maxSpecBytes;

  KitLoadOptions loadOptions() {
    return KitLoadOptions.DEFAULTS.withMaxSpecBytes(maxSpecBytes).withKitArgs(KitArgs.parse(kitArgs));
  }
}

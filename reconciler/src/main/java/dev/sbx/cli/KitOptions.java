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

  /** A --kit-arg for a kit that was not given is a typo; say so rather than ignore it. */
  void checkEveryKitArgWasUsed(java.util.Collection<String> loadedKitNames) {
    for (String kit : KitArgs.parse(kitArgs).keySet()) {
      if (!loadedKitNames.contains(kit)) {
        throw new KitArgForUnknownKit(kit, loadedKitNames);
      }
    }
  }

  /** The user error for {@link #checkEveryKitArgWasUsed}. */
  static final class KitArgForUnknownKit extends RuntimeException implements UserError {
    private static final long serialVersionUID = 1L;
    private final String kit;
    private final java.util.List<String> known;

    KitArgForUnknownKit(String kit, java.util.Collection<String> known) {
      super("--kit-arg for unknown kit " + kit, null, false, false);
      this.kit = kit;
      this.known = java.util.List.copyOf(known);
    }

    @Override
    public java.util.List<String> userMessages() {
      return java.util.List.of("<command line>: --kit-arg " + kit + ".NAME: no kit named '" + kit
          + "' among the given kits", "    hint: the kits given are: " + String.join(", ", known));
    }
  }

  KitLoadOptions loadOptions() {
    return KitLoadOptions.DEFAULTS.withMaxSpecBytes(maxSpecBytes).withKitArgs(KitArgs.parse(kitArgs));
  }
}

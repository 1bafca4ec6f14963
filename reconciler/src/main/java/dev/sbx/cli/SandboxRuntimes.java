package dev.sbx.cli;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.microvm.MicrovmRuntime;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Where the sandbox commands get their runtime: the qemu-microvm runtime configured from the
 * environment (state in XDG state home, {@code SBX_STATE_DIR} to move it). Until the daemon
 * exists the CLI drives the runtime directly. Tests swap in a fake.
 */
final class SandboxRuntimes {
  private static volatile Supplier<SandboxRuntime> factory =
      () -> new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment());

  private SandboxRuntimes() {}

  static SandboxRuntime open() {
    return factory.get();
  }

  /** For tests: use this runtime until {@link #reset()}. */
  static void override(Supplier<SandboxRuntime> supplier) {
    factory = supplier;
  }

  static void reset() {
    factory = () -> new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment());
  }

  /** One line on stderr, no stack trace; the exit code says what kind of failure it was. */
  static int fail(CommandLine.Model.CommandSpec spec, SandboxException e) {
    spec.commandLine().getErr().println("sbx: " + e.getMessage());
    return switch (e.kind()) {
      case NOT_FOUND, ALREADY_EXISTS, INVALID -> 2;
      case ENVIRONMENT -> 5;
      default -> 1;
    };
  }
}

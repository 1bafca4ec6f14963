package dev.sbx.cli;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.microvm.MicrovmRuntime;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Where the sandbox commands get their runtime: the qemu-microvm runtime configured from the
 * environment (state in XDG state home, {@code SBX_STATE_DIR} to move it), used when no daemon
 * runs for the state directory (else {@link DaemonSandboxes}). Tests swap in a fake.
 */
final class SandboxRuntimes {
  private static volatile Supplier<SandboxRuntime> factory =
      () -> new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment());

  private static volatile boolean overridden;

  private SandboxRuntimes() {}

  /** True while a test swapped the runtime in: create/run then use it directly, not the daemon. */
  static boolean overridden() {
    return overridden;
  }

  static SandboxRuntime open() {
    return factory.get();
  }

  /** For tests: use this runtime until {@link #reset()}. */
  static void override(Supplier<SandboxRuntime> supplier) {
    factory = supplier;
    overridden = true;
  }

  static void reset() {
    factory = () -> new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment());
    overridden = false;
  }

  /** One line on stderr, no stack trace; the exit code says what kind of failure it was. */
  static int fail(CommandLine.Model.CommandSpec spec, SandboxException e) {
    spec.commandLine().getErr().println("sbx: " + e.getMessage());
    return exitCode(e.kind());
  }

  static int exitCode(SandboxException.Kind kind) {
    return switch (kind) {
      case NOT_FOUND, ALREADY_EXISTS, INVALID -> ExitCodes.INVALID_INPUT;
      case ENVIRONMENT -> ExitCodes.ENVIRONMENT;
      default -> 1;
    };
  }
}

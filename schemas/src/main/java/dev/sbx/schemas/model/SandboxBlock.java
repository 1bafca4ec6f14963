package dev.sbx.schemas.model;

import java.util.List;
import java.util.Objects;

/**
 * The {@code sandbox:} block of a sandbox kit (v1 {@code agent:}).
 *
 * @param image template image reference (required)
 * @param entrypoint replaces the image entrypoint; empty = keep the image's (v1 {@code
 *     entrypoint.run})
 * @param command mode-specific arguments after the entrypoint
 * @param resources null = runtime defaults
 * @param persistence v1 {@code persistence}; null = ephemeral. Upstream never wired it; kept so
 *     that a v1 kit renders faithfully.
 */
public record SandboxBlock(
    String image,
    List<String> entrypoint,
    Command command,
    Resources resources,
    Persistence persistence) {
  public SandboxBlock {
    Objects.requireNonNull(image, "image");
    entrypoint = Copies.list(entrypoint);
    command = command == null ? Command.EMPTY : command;
  }

  /**
   * {@code sandbox.command}: args for detached runs ({@code default}, v1 {@code entrypoint.args})
   * and interactive TTY runs ({@code interactive}, v1 {@code ttyArgs}); an empty interactive list
   * falls back to default.
   */
  public record Command(List<String> defaultArgs, List<String> interactive) {
    public static final Command EMPTY = new Command(List.of(), List.of());

    public Command {
      defaultArgs = Copies.list(defaultArgs);
      interactive = Copies.list(interactive);
    }
  }

  /**
   * {@code sandbox.resources}. Each field null = unset.
   *
   * @param cpu number of CPUs (may be fractional)
   * @param memory byte size as written, e.g. {@code 4g}, {@code 4096m}
   * @param gpu GPU request as written
   */
  public record Resources(Double cpu, String memory, String gpu) {}

  /** v1 {@code agent.persistence}. */
  public enum Persistence {
    PERSISTENT,
    EPHEMERAL
  }
}

package dev.sbx.vm.api;

import java.util.Objects;

/**
 * A kit command (install or startup), run by {@code /bin/sh -c} in the guest as {@code uid}.
 * {@code description} names where it came from (kit and line) for failure reports.
 */
public record GuestCommand(String description, String shell, int uid, int gid, String cwd) {
  public GuestCommand {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(shell, "shell");
    Objects.requireNonNull(cwd, "cwd");
  }

  /** A command run as the sandbox user {@code agent} in its home. */
  public static GuestCommand asAgent(String description, String shell) {
    return new GuestCommand(description, shell, GuestUser.AGENT.uid(), GuestUser.AGENT.gid(), GuestUser.AGENT.home());
  }

  /** A command run as root in {@code /}. */
  public static GuestCommand asRoot(String description, String shell) {
    return new GuestCommand(description, shell, 0, 0, "/");
  }
}

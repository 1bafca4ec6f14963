package dev.sbx.vm.api;

import java.util.Optional;

/**
 * How a guest command ended: an exit code, or the signal that killed it, or an error when it
 * never started (then code 127, like a shell).
 */
public record ExitStatus(int code, int signal, String error) {
  public static ExitStatus exited(int code) {
    return new ExitStatus(code, 0, null);
  }

  public static ExitStatus killed(int signal) {
    return new ExitStatus(128 + signal, signal, null);
  }

  public static ExitStatus failedToStart(String error) {
    return new ExitStatus(127, 0, error);
  }

  public Optional<String> startError() {
    return Optional.ofNullable(error);
  }

  public boolean success() {
    return code == 0 && signal == 0 && error == null;
  }
}

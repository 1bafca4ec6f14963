package dev.sbx.vm.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A finished command with its collected output (for short commands; stream long ones). */
public record ExecResult(ExitStatus status, byte[] stdout, byte[] stderr) {
  public ExecResult {
    Objects.requireNonNull(status, "status");
    stdout = stdout.clone();
    stderr = stderr.clone();
  }

  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  public int exitCode() {
    return status.code();
  }
}

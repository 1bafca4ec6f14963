package dev.sbx.egress.api;

import java.util.Objects;

/** The name of one sandbox, as the proxy knows it: the key of its listener, rules and log records. */
public record SandboxId(String value) {
  public SandboxId {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("sandbox id must not be empty");
    }
  }

  public static SandboxId of(String value) {
    return new SandboxId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}

package dev.sbx.secrets.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A custom secret to store: the environment variable the sandbox sees, the hosts the real value
 * may go to, and an optional placeholder pattern containing {@code {rand}} (default
 * {@code sbx-cs-{rand}}).
 */
public record CustomSecretSpec(String envVar, List<String> hosts, Optional<String> placeholderPattern) {

  public CustomSecretSpec {
    Objects.requireNonNull(envVar, "envVar");
    hosts = List.copyOf(hosts);
    Objects.requireNonNull(placeholderPattern, "placeholderPattern");
  }
}

package dev.sbx.vm.image.oci;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the client gets a username and password (or access token) for a registry. The caller
 * supplies it: the CLI plugs in the secret store. The client sends these only over HTTPS (or to a
 * loopback registry), only to the registry itself or to the token realm it names, and never puts
 * them in a message or log.
 */
@FunctionalInterface
public interface RegistryCredentials {

  /**
   * The credential for a registry.
   *
   * @param registry the registry as written in the image reference ({@code docker.io}, {@code ghcr.io},
   *     {@code localhost:5000})
   */
  Optional<Credential> lookup(String registry);

  static RegistryCredentials anonymous() {
    return registry -> Optional.empty();
  }

  /** One fixed credential for one registry (tests, {@code --username} on the command line). */
  static RegistryCredentials of(String registry, Credential credential) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(credential, "credential");
    return r -> r.equals(registry) ? Optional.of(credential) : Optional.empty();
  }

  /** A username and its password or personal access token. {@link #toString()} hides the secret. */
  record Credential(String username, String secret) {
    public Credential {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
      return "Credential[username=" + username + ", secret=***]";
    }
  }
}

package dev.sbx.secrets.api;

import java.util.List;
import java.util.Objects;

/**
 * What the store knows about one secret, without its value.
 *
 * @param name the service id for a service secret, the environment variable name for a custom one
 * @param hosts host patterns a custom secret may be sent to (empty for service secrets)
 * @param envVar the sandbox environment variable of a custom secret ("" for service secrets)
 * @param placeholder the value the sandbox sees for a custom secret ("" for service secrets)
 */
public record SecretEntry(Scope scope, String name, SecretKind kind, List<String> hosts, String envVar,
    String placeholder) {

  public SecretEntry {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    hosts = List.copyOf(hosts);
    Objects.requireNonNull(envVar, "envVar");
    Objects.requireNonNull(placeholder, "placeholder");
  }

  public static SecretEntry service(Scope scope, String service) {
    return new SecretEntry(scope, service, SecretKind.SERVICE, List.of(), "", "");
  }
}

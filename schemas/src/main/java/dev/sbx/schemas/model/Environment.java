package dev.sbx.schemas.model;

import java.util.List;
import java.util.Map;

/**
 * {@code environment:}.
 *
 * @param variables set in the VM, in file order; names are shell identifiers
 * @param proxyManaged names set to the sentinel {@code proxy-managed} that no credential's {@code
 *     apiKey} already claims (a v1 leftover; v2 kits say {@code apiKey.proxyManaged})
 */
public record Environment(Map<String, String> variables, List<String> proxyManaged) {
  public static final Environment EMPTY = new Environment(Map.of(), List.of());

  public Environment {
    variables = Copies.map(variables);
    proxyManaged = Copies.list(proxyManaged);
  }
}

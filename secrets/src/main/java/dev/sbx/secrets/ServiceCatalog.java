package dev.sbx.secrets;

import dev.sbx.secrets.api.ServiceDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in service table, read from {@code dev/sbx/secrets/services.json}. Kits may declare
 * other services; those reach the proxy as {@link dev.sbx.secrets.api.ServiceBinding}s from the
 * reconciler, not through this table.
 */
public final class ServiceCatalog {

  private static final String RESOURCE = "/dev/sbx/secrets/services.json";

  private final Map<String, ServiceDefinition> byId;

  private record Table(List<ServiceDefinition> services) {}

  private ServiceCatalog(List<ServiceDefinition> services) {
    Map<String, ServiceDefinition> m = new LinkedHashMap<>();
    for (ServiceDefinition s : services) {
      if (m.put(s.id(), s) != null) {
        throw new IllegalStateException("duplicate built-in service " + s.id());
      }
    }
    this.byId = Map.copyOf(m);
    this.ordered = List.copyOf(services);
  }

  private final List<ServiceDefinition> ordered;

  /** The table shipped with sbx. */
  public static ServiceCatalog builtIn() {
    try (InputStream in = ServiceCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      JsonMapper mapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
      return new ServiceCatalog(mapper.readValue(in, Table.class).services());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<ServiceDefinition> services() {
    return ordered;
  }

  public Optional<ServiceDefinition> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }
}

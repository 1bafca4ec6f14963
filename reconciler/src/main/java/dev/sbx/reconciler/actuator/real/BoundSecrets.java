package dev.sbx.reconciler.actuator.real;

import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.SecretBindings;
import dev.sbx.reconciler.desired.DesiredJson;
import dev.sbx.reconciler.desired.SecretBinding;
import dev.sbx.secrets.api.ServiceBinding;
import dev.sbx.secrets.api.ServiceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@link SecretBindings} port: which stored credentials each sandbox may have injected, and
 * for which domains. The TLS interceptor asks {@link #serviceBindings(String)} on every
 * intercepted request, so a bind or unbind takes effect on the next request, no reboot. Names and
 * domains only (kept in {@code bindings.json} so a restarted daemon injects the same); values stay
 * in the secret store.
 */
public final class BoundSecrets implements SecretBindings {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Function<String, Optional<ServiceDefinition>> catalog;
  private final Map<String, Map<String, SecretBinding>> bound = new TreeMap<>();

  public BoundSecrets(Path file, Function<String, Optional<ServiceDefinition>> catalog) {
    this.file = file;
    this.catalog = catalog;
    load();
  }

  @Override
  public synchronized Map<String, List<SecretBinding>> bound() {
    Map<String, List<SecretBinding>> out = new TreeMap<>();
    bound.forEach((sandbox, m) -> {
      if (!m.isEmpty()) {
        out.put(sandbox, List.copyOf(m.values()));
      }
    });
    return out;
  }

  @Override
  public synchronized void bind(String sandbox, SecretBinding binding) {
    bound.computeIfAbsent(sandbox, k -> new TreeMap<>()).put(binding.service(), binding);
    save();
  }

  @Override
  public synchronized void unbind(String sandbox, String service) {
    Map<String, SecretBinding> m = bound.get(sandbox);
    if (m != null && m.remove(service) != null) {
      if (m.isEmpty()) {
        bound.remove(sandbox);
      }
      save();
    }
  }

  /** The interceptor's view: header name and format from the service catalog, domains bound here. */
  public synchronized List<ServiceBinding> serviceBindings(String sandbox) {
    List<ServiceBinding> out = new ArrayList<>();
    for (SecretBinding b : bound.getOrDefault(sandbox, Map.of()).values()) {
      catalog.apply(b.service()).filter(ServiceDefinition::injectable).ifPresent(def -> out.add(
          new ServiceBinding(b.service(), b.domains(), def.binding().headerName(), def.binding().valueFormat(),
              def.binding().plaintextAllowed())));
    }
    return out;
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      JsonNode root = JSON.readTree(Files.readString(file));
      for (var e : root.properties()) {
        for (JsonNode b : e.getValue()) {
          SecretBinding binding = DesiredJson.readBinding(b);
          bound.computeIfAbsent(e.getKey(), k -> new TreeMap<>()).put(binding.service(), binding);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new ActuatorException(ActuatorException.Kind.ENVIRONMENT, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    bound.forEach((sandbox, m) -> {
      ArrayNode list = root.putArray(sandbox);
      m.values().forEach(b -> list.add(DesiredJson.writeBinding(b)));
    });
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, JSON.writeValueAsString(root));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

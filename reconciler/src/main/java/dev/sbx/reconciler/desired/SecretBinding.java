package dev.sbx.reconciler.desired;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A sandbox may use the stored credential {@code credential} of {@code service}, injected by the
 * proxy on requests to {@code domains}. Names only: a secret value never enters this type. {@code
 * domains} is a set (sorted here).
 */
public record SecretBinding(String service, String credential, List<String> domains) {
  public SecretBinding {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(credential, "credential");
    domains = List.copyOf(new TreeSet<>(domains));
  }

  Map<String, Object> canonical() {
    return Map.of("service", service, "credential", credential, "domains", domains);
  }
}

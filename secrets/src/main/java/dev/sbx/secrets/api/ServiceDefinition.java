package dev.sbx.secrets.api;

import java.util.List;
import java.util.Objects;

/**
 * A built-in service: the environment variables its agents read, the API domains its credential
 * may be sent to, and how it is sent ({@code headerName: valueFormat}, {@code %s} = the value).
 * An empty {@code headerName} means sbx knows the service but cannot inject it (AWS SigV4 signs
 * requests with the secret, so the credential would have to be inside the sandbox).
 */
public record ServiceDefinition(String id, List<String> envVars, List<String> domains, String headerName,
    String valueFormat) {

  public ServiceDefinition {
    Objects.requireNonNull(id, "id");
    envVars = List.copyOf(envVars);
    domains = List.copyOf(domains);
    Objects.requireNonNull(headerName, "headerName");
    Objects.requireNonNull(valueFormat, "valueFormat");
  }

  public boolean injectable() {
    return !headerName.isEmpty();
  }

  /** The binding a sandbox gets for this service when nothing more specific is declared. */
  public ServiceBinding binding() {
    return new ServiceBinding(id, domains, headerName, valueFormat, false);
  }
}

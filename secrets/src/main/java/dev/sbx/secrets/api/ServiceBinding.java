package dev.sbx.secrets.api;

import java.util.List;
import java.util.Objects;

/**
 * A sandbox may send service {@code service}'s secret to {@code domains} in header
 * {@code headerName}, formatted by {@code valueFormat} ({@code %s} = the value). Built from the
 * built-in table or from a kit's {@code serviceDomains}/{@code serviceAuth}. Plain-HTTP injection
 * is off unless {@code plaintextAllowed}.
 *
 * @param domains host patterns: exact, {@code *.x} (one label) or {@code **.x} (any depth)
 */
public record ServiceBinding(String service, List<String> domains, String headerName, String valueFormat,
    boolean plaintextAllowed) {

  public ServiceBinding {
    Objects.requireNonNull(service, "service");
    domains = List.copyOf(domains);
    Objects.requireNonNull(headerName, "headerName");
    Objects.requireNonNull(valueFormat, "valueFormat");
    if (!headerName.isEmpty() && !valueFormat.contains("%s")) {
      throw new SecretsException(SecretsException.Problem.BAD_INPUT, null,
          "serviceAuth valueFormat for '" + service + "' has no %s",
          "write the format with %s where the secret goes, e.g. \"Bearer %s\"");
    }
  }
}

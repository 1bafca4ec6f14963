package dev.sbx.egress.tls;

import java.util.Objects;

/** One credential to apply to a request to a bound host. Record toStrings stay redacted. */
public sealed interface Injection permits Injection.SetHeader, Injection.ReplacePlaceholder {

  /** The credential's name (service id or custom secret name): safe to log. */
  String credentialName();

  /** Whether it may also be applied to plain-HTTP requests; false unless the binding asks. */
  boolean plaintextAllowed();

  /**
   * Set {@code headerName} (replacing any value the sandbox sent) to {@code valueFormat} with
   * {@code %s} replaced by the value. The format is never passed to {@code String.format}.
   */
  record SetHeader(String credentialName, String headerName, String valueFormat, InjectedSecret value,
      boolean plaintextAllowed) implements Injection {
    public SetHeader {
      Objects.requireNonNull(credentialName, "credentialName");
      Objects.requireNonNull(headerName, "headerName");
      Objects.requireNonNull(valueFormat, "valueFormat");
      Objects.requireNonNull(value, "value");
      if (!valueFormat.contains("%s")) {
        throw new IllegalArgumentException("valueFormat without %s for " + credentialName);
      }
    }
  }

  /** Replace {@code placeholder} by the value wherever it occurs in header values and the request target. */
  record ReplacePlaceholder(String credentialName, String placeholder, InjectedSecret value, boolean plaintextAllowed)
      implements Injection {
    public ReplacePlaceholder {
      Objects.requireNonNull(credentialName, "credentialName");
      Objects.requireNonNull(placeholder, "placeholder");
      Objects.requireNonNull(value, "value");
      if (placeholder.length() < 8) {
        throw new IllegalArgumentException("placeholder too short to be unambiguous for " + credentialName);
      }
    }
  }
}

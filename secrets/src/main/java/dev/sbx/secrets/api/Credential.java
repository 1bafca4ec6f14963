package dev.sbx.secrets.api;

import java.util.Objects;

/** A credential to apply to one request to one host. Its toString never shows the value. */
public sealed interface Credential permits Credential.Header, Credential.Placeholder {

  /** Service id or custom secret name: safe to log. */
  String name();

  SecretValue value();

  /** Whether the credential may also be applied to plain-HTTP requests (off by default). */
  boolean plaintextAllowed();

  /** Set header {@code headerName} to {@code valueFormat} with {@code %s} replaced by the value. */
  record Header(String name, String headerName, String valueFormat, SecretValue value, boolean plaintextAllowed)
      implements Credential {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(headerName, "headerName");
      Objects.requireNonNull(valueFormat, "valueFormat");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Replace {@code placeholder} by the value wherever it appears in the request head. */
  record Placeholder(String name, String placeholder, SecretValue value, boolean plaintextAllowed)
      implements Credential {
    public Placeholder {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(placeholder, "placeholder");
      Objects.requireNonNull(value, "value");
    }
  }
}

package dev.sbx.secrets.api;

/** A service secret is injected as a header for the service's domains; a custom one replaces a placeholder. */
public enum SecretKind {
  SERVICE,
  CUSTOM
}

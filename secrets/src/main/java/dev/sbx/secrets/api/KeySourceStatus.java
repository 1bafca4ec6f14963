package dev.sbx.secrets.api;

import java.util.Objects;

/**
 * Whether a key backend can be used here, and why (for {@code sbx doctor}).
 *
 * @param backend {@code keyfile}, {@code libsecret} or {@code macos-keychain}
 * @param detail where the key lives when available, the reason when not
 */
public record KeySourceStatus(String backend, boolean available, String detail) {

  public KeySourceStatus {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(detail, "detail");
  }
}

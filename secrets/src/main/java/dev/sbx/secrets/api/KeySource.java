package dev.sbx.secrets.api;

import java.util.Optional;

/**
 * Where the store's 256-bit key lives: the OS keyring or a 0600 key file. Implementations never
 * log or print the key.
 */
public interface KeySource {

  /** Stable backend id, recorded in the store file so a later run asks the same backend. */
  String backend();

  /** Whether this backend is reachable here; never throws. */
  KeySourceStatus status();

  /**
   * The stored key, or empty when this backend holds none yet.
   *
   * @throws SecretsException KEY_UNAVAILABLE when the backend cannot be reached
   */
  Optional<byte[]> load();

  /**
   * Generates a new key, stores it and returns it.
   *
   * @throws SecretsException when a key already exists or the backend cannot store it
   */
  byte[] create();
}

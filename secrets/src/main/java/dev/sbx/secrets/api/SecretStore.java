package dev.sbx.secrets.api;

import java.util.List;
import java.util.Optional;

/**
 * The encrypted secret store. Every method reads the file afresh (cheaply, when unchanged), so a
 * change made by the CLI is seen by a running proxy. Writes are atomic.
 */
public interface SecretStore {

  /** Stores (or replaces) the secret of a service such as {@code github}. */
  void setService(Scope scope, String service, SecretValue value);

  /** Stores (or replaces) a custom secret; the returned entry carries the generated placeholder. */
  SecretEntry setCustom(Scope scope, CustomSecretSpec spec, SecretValue value);

  /** Every entry, global first, then by sandbox and name. Values are not decrypted. */
  List<SecretEntry> list();

  /** The masked display form of one entry's value (see {@link SecretValue#masked()}). */
  Optional<String> masked(Scope scope, String name);

  /** Removes an entry; false when there was none. */
  boolean remove(Scope scope, String name);

  /** The value stored exactly in {@code scope}. */
  Optional<SecretValue> get(Scope scope, String name);

  /** The value a sandbox sees: its own entry if there is one, else the global one. */
  default Optional<SecretValue> resolve(String sandbox, String name) {
    Optional<SecretValue> own = get(Scope.sandbox(sandbox), name);
    return own.isPresent() ? own : get(Scope.global(), name);
  }

  /** Which key backend this store uses (for {@code sbx doctor}). */
  KeySourceStatus keySource();
}

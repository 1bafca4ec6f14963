package dev.sbx.reconciler.daemon;

import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.api.SecretStore;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The secret store, opened the first time a source needs a credential or a webhook key (a daemon
 * whose sources need none never creates a key).
 */
final class SecretStoreOnDemand implements Supplier<SecretStore> {
  private final Path dir;
  private SecretStore store;

  SecretStoreOnDemand(Path dir) {
    this.dir = dir;
  }

  @Override
  public synchronized SecretStore get() {
    if (store == null) {
      store = Secrets.open(dir);
    }
    return store;
  }
}

package dev.sbx.secrets;

import dev.sbx.secrets.api.CredentialLookup;
import dev.sbx.secrets.api.SecretStore;
import java.nio.file.Path;

/**
 * Entry point: opens the store in a directory with the platform's key backends.
 *
 * <pre>{@code
 * SecretStore store = Secrets.open(configDir.resolve("secrets"));
 * store.setService(Scope.global(), "github", SecretValue.ofChars(token));
 * CredentialLookup lookup = Secrets.lookup(store);
 * lookup.forHost("api-dev", "api.github.com"); // [Header[github, Authorization, token %s, redacted]]
 * }</pre>
 *
 * Environment {@code SBX_SECRETS_KEY_BACKEND=keyfile} skips the OS keyring.
 */
public final class Secrets {

  public static final String KEY_FILE = "secrets.key";

  private Secrets() {}

  /** The store in {@code dir}: keyring where reachable, else {@code dir/secrets.key}. */
  public static SecretStore open(Path dir) {
    Path keyFile = dir.resolve(KEY_FILE);
    KeySources keys = "keyfile".equals(System.getenv("SBX_SECRETS_KEY_BACKEND"))
        ? KeySources.keyFileOnly(keyFile)
        : KeySources.platformDefault(keyFile);
    return new EncryptedFileStore(dir, keys);
  }

  /** The store in {@code dir} with an explicit choice of key backends. */
  public static SecretStore open(Path dir, KeySources keys) {
    return new EncryptedFileStore(dir, keys);
  }

  /** A lookup over {@code store} with the built-in services bound for every sandbox. */
  public static CredentialLookup lookup(SecretStore store) {
    return new StoreCredentialLookup(store, StoreCredentialLookup.builtInBindings(ServiceCatalog.builtIn()));
  }
}

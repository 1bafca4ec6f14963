package dev.sbx.secrets;

import dev.sbx.secrets.api.KeySource;
import dev.sbx.secrets.api.KeySourceStatus;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The key backends in order of preference: the OS keyring when reachable, else the key file. A
 * store remembers its backend, so once created it always asks the same one (a keyring that has
 * gone away is then an error, never a silent new key).
 */
public final class KeySources {

  private final List<KeySource> candidates;

  public KeySources(List<KeySource> candidates) {
    this.candidates = List.copyOf(candidates);
    if (this.candidates.isEmpty()) {
      throw new IllegalStateException("no key sources");
    }
  }

  /** The platform default: macOS Keychain, Secret Service, then {@code keyFile}. */
  public static KeySources platformDefault(Path keyFile) {
    return new KeySources(List.of(new MacKeychainKeySource(), new LibsecretKeySource(), new KeyFileSource(keyFile)));
  }

  /** Only the key file: for tests, CI, and users who ask for it ({@code SBX_SECRETS_KEY_BACKEND=keyfile}). */
  public static KeySources keyFileOnly(Path keyFile) {
    return new KeySources(List.of(new KeyFileSource(keyFile)));
  }

  /** The first available backend, used for a new store. */
  public KeySource preferred() {
    for (KeySource s : candidates) {
      if (s.status().available()) {
        return s;
      }
    }
    return candidates.get(candidates.size() - 1);
  }

  /** The backend named in an existing store; an error when it is unknown or unreachable. */
  public KeySource forBackend(Path store, String backend) {
    Optional<KeySource> match = candidates.stream().filter(s -> s.backend().equals(backend)).findFirst();
    if (match.isEmpty()) {
      throw new SecretsException(Problem.KEY_UNAVAILABLE, store,
          "the secret store's key is held by backend '" + backend + "', which this sbx does not offer here",
          "run sbx where that keyring is available, or restore the key file");
    }
    KeySourceStatus status = match.get().status();
    if (!status.available()) {
      throw new SecretsException(Problem.KEY_UNAVAILABLE, store,
          "the secret store's key is in " + backend + ", which is not available: " + status.detail()
              + "; the file was left unchanged",
          "unlock or start the keyring and try again");
    }
    return match.get();
  }

  /** Status of every backend, preferred first (for {@code sbx doctor}). */
  public List<KeySourceStatus> statuses() {
    return candidates.stream().map(KeySource::status).toList();
  }
}

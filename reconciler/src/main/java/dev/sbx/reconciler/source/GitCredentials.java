package dev.sbx.reconciler.source;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a git source gets credentials for a URL. The daemon fills it from the secret store; the
 * values are asked for at each fetch and never kept in the source, logs or errors.
 */
@FunctionalInterface
public interface GitCredentials {

  /** Credentials for {@code url}, or empty to go without. */
  Optional<Credential> lookup(String url);

  /** No credentials: public https, file URLs, ssh with the user's own agent and keys. */
  GitCredentials NONE = url -> Optional.empty();

  sealed interface Credential permits Token, SshDirectory {}

  /** An https user name and password or token (GitHub: any user name, a token as password). */
  record Token(String username, String secret) implements Credential {
    public Token {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
      return "Token[username=" + username + ", secret=***]";
    }
  }

  /** An ssh directory holding the private key(s) and {@code known_hosts} to use for this URL. */
  record SshDirectory(Path directory) implements Credential {
    public SshDirectory {
      Objects.requireNonNull(directory, "directory");
    }
  }
}

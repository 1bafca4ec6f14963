package dev.sbx.secrets;

import dev.sbx.secrets.api.KeySource;
import dev.sbx.secrets.api.KeySourceStatus;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The fallback key backend: a 0600 file holding one line {@code sbx-secrets-key v1 <base64>}. A
 * file readable by group or others is refused, as ssh refuses such a private key.
 */
public final class KeyFileSource implements KeySource {

  public static final String BACKEND = "keyfile";
  private static final String PREFIX = "sbx-secrets-key v1 ";

  private final Path file;

  public KeyFileSource(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  public Path file() {
    return file;
  }

  @Override
  public String backend() {
    return BACKEND;
  }

  @Override
  public KeySourceStatus status() {
    return new KeySourceStatus(BACKEND, true, "key file " + file);
  }

  @Override
  public Optional<byte[]> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    SecureFiles.requireOwnerOnly(file);
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SecretsException(Problem.KEY_UNAVAILABLE, file, "cannot read the key file: " + e.getMessage(),
          "check the file's owner and permissions (it must be readable by you, mode 0600)", e);
    }
    String text = new String(raw, StandardCharsets.US_ASCII).trim();
    Arrays.fill(raw, (byte) 0);
    if (!text.startsWith(PREFIX)) {
      throw new SecretsException(Problem.KEY_UNAVAILABLE, file, "is not an sbx key file",
          "restore the key file that belongs to this secret store");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != Aead.KEY_BYTES) {
      throw new SecretsException(Problem.KEY_UNAVAILABLE, file, "the key file is damaged (not a 256-bit key)",
          "restore the key file that belongs to this secret store");
    }
    return Optional.of(key);
  }

  @Override
  public byte[] create() {
    SecureFiles.ensurePrivateDir(file.toAbsolutePath().getParent());
    byte[] key = SecureFiles.randomBytes(Aead.KEY_BYTES);
    byte[] line = (PREFIX + Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      SecureFiles.createExclusively(file, line);
    } finally {
      Arrays.fill(line, (byte) 0);
    }
    return key;
  }
}

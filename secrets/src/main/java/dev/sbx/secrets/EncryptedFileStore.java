package dev.sbx.secrets;

import dev.sbx.secrets.StoreCodec.Image;
import dev.sbx.secrets.StoreCodec.SealedEntry;
import dev.sbx.secrets.api.CustomSecretSpec;
import dev.sbx.secrets.api.KeySource;
import dev.sbx.secrets.api.KeySourceStatus;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretKind;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretValue;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * {@link SecretStore} in one AES-256-GCM file ({@code secrets.db}, format in {@link StoreCodec})
 * under a 0700 directory. Reads are cached until the file changes (size, mtime, inode), so a proxy
 * asking per request costs a stat and one decryption. Writers take {@code secrets.lock} so the CLI
 * and the daemon can both write. Nothing here prints or logs.
 */
public final class EncryptedFileStore implements SecretStore {

  public static final String STORE_FILE = "secrets.db";
  private static final String LOCK_FILE = "secrets.lock";
  private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
  private static final Pattern ENV = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final Path dir;
  private final Path file;
  private final KeySources keys;
  private Loaded cached;

  /** A parsed, key-checked store and the file attributes it was read with. */
  private record Loaded(Image image, Aead aead, KeySource source, Object fileKey, long size, long mtime) {}

  public EncryptedFileStore(Path dir, KeySources keys) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.file = dir.resolve(STORE_FILE);
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  public Path file() {
    return file;
  }

  @Override
  public void setService(Scope scope, String service, SecretValue value) {
    requireName(SERVICE, service, "service name", "use lowercase letters, digits, '.', '_' or '-' (e.g. github)");
    put(SecretEntry.service(scope, service), value);
  }

  @Override
  public SecretEntry setCustom(Scope scope, CustomSecretSpec spec, SecretValue value) {
    requireName(ENV, spec.envVar(), "environment variable name", "use letters, digits and '_', not starting with a digit");
    if (spec.hosts().isEmpty()) {
      throw new SecretsException(Problem.BAD_INPUT, null, "a custom secret needs at least one --host",
          "name the hosts the real value may be sent to, e.g. --host api.example.com");
    }
    List<String> hosts = spec.hosts().stream().map(HostPatterns::canonicalPattern).distinct().sorted().toList();
    String placeholder = Placeholders.generate(spec.placeholderPattern().orElse(Placeholders.DEFAULT_PATTERN));
    SecretEntry entry = new SecretEntry(scope, spec.envVar(), SecretKind.CUSTOM, hosts, spec.envVar(), placeholder);
    put(entry, value);
    return entry;
  }

  @Override
  public synchronized List<SecretEntry> list() {
    Loaded loaded = load();
    if (loaded == null) {
      return List.of();
    }
    return loaded.image().entries().stream().map(SealedEntry::meta).sorted(ORDER).toList();
  }

  @Override
  public Optional<String> masked(Scope scope, String name) {
    return get(scope, name).map(v -> {
      try (v) {
        return v.masked();
      }
    });
  }

  @Override
  public boolean remove(Scope scope, String name) {
    boolean[] removed = {false};
    mutate(entries -> {
      List<SealedEntry> out = new ArrayList<>(entries);
      removed[0] = out.removeIf(e -> e.meta().scope().equals(scope) && e.meta().name().equals(name));
      return out;
    }, false);
    return removed[0];
  }

  @Override
  public synchronized Optional<SecretValue> get(Scope scope, String name) {
    Loaded loaded = load();
    if (loaded == null) {
      return Optional.empty();
    }
    for (SealedEntry e : loaded.image().entries()) {
      if (e.meta().scope().equals(scope) && e.meta().name().equals(name)) {
        return Optional.of(decrypt(loaded, e));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized KeySourceStatus keySource() {
    Loaded loaded = load();
    return (loaded != null ? loaded.source() : keys.preferred()).status();
  }

  private SecretValue decrypt(Loaded loaded, SealedEntry e) {
    byte[] plain = loaded.aead().open(e.nonce(), e.ciphertext(), StoreCodec.entryAd(e.meta()));
    if (plain == null) {
      throw new SecretsException(Problem.CORRUPT, file,
          "the entry " + e.meta().scope() + "/" + e.meta().name() + " failed authentication (tampered or damaged)",
          "remove it with `sbx secret rm` and set it again");
    }
    try {
      return SecretValue.ofUtf8(plain);
    } finally {
      Aead.wipe(plain);
    }
  }

  private void put(SecretEntry meta, SecretValue value) {
    mutate(entries -> {
      List<SealedEntry> out = new ArrayList<>();
      for (SealedEntry e : entries) {
        boolean same = e.meta().scope().equals(meta.scope()) && e.meta().name().equals(meta.name());
        if (same && e.meta().kind() != meta.kind()) {
          throw new SecretsException(Problem.BAD_INPUT, null,
              "'" + meta.name() + "' is already a " + e.meta().kind().name().toLowerCase() + " secret in " + meta.scope(),
              "remove it first with `sbx secret rm`, or choose another name");
        }
        if (!same) {
          out.add(e);
        }
      }
      out.add(new SealedEntry(meta, null, null));
      return out;
    }, true, value);
  }

  private void mutate(UnaryOperator<List<SealedEntry>> change, boolean createIfMissing) {
    mutate(change, createIfMissing, null);
  }

  /** Read-modify-write under the lock file; entries with a null nonce are sealed here with a fresh nonce. */
  private synchronized void mutate(UnaryOperator<List<SealedEntry>> change, boolean createIfMissing, SecretValue value) {
    SecureFiles.ensurePrivateDir(dir);
    try (FileChannel lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      cached = null;
      Loaded loaded = load();
      if (loaded == null) {
        if (!createIfMissing) {
          return;
        }
        loaded = create();
      }
      List<SealedEntry> sealed = new ArrayList<>();
      for (SealedEntry e : change.apply(loaded.image().entries())) {
        if (e.nonce() == null) {
          byte[] plain = value.utf8();
          try {
            Aead.Sealed box = loaded.aead().seal(plain, StoreCodec.entryAd(e.meta()));
            sealed.add(new SealedEntry(e.meta(), box.nonce(), box.ciphertext()));
          } finally {
            Aead.wipe(plain);
          }
        } else {
          sealed.add(e);
        }
      }
      Image image = new Image(loaded.image().backend(), loaded.image().keyCheckNonce(), loaded.image().keyCheckTag(),
          sealed);
      SecureFiles.writeAtomically(file, StoreCodec.encode(image));
      cached = null;
    } catch (IOException e) {
      throw new SecretsException(Problem.IO, dir.resolve(LOCK_FILE), "cannot lock the secret store: " + e.getMessage(),
          "check that the directory is writable by you", e);
    }
  }

  /** A new, empty store image with a fresh key check (the key is created in the preferred backend if none exists). */
  private Loaded create() {
    KeySource source = keys.preferred();
    byte[] key = source.load().orElseGet(source::create);
    Aead aead = new Aead(key);
    Aead.wipe(key);
    Aead.Sealed check = aead.seal(new byte[0], StoreCodec.keyCheckAd(source.backend()));
    return new Loaded(new Image(source.backend(), check.nonce(), check.ciphertext(), List.of()), aead, source, null, -1, -1);
  }

  /** The current store, or null when there is none; re-read only when the file changed. */
  private Loaded load() {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      cached = null;
      return null;
    } catch (IOException e) {
      throw new SecretsException(Problem.IO, file, "cannot read: " + e.getMessage(), "check its permissions", e);
    }
    Loaded c = cached;
    if (c != null && Objects.equals(c.fileKey(), attrs.fileKey()) && c.size() == attrs.size()
        && c.mtime() == attrs.lastModifiedTime().toMillis()) {
      return c;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SecretsException(Problem.IO, file, "cannot read: " + e.getMessage(), "check its permissions", e);
    }
    Image image = StoreCodec.decode(file, bytes);
    KeySource source = keys.forBackend(file, image.backend());
    byte[] key = source.load().orElseThrow(() -> new SecretsException(Problem.KEY_UNAVAILABLE, file,
        "the key of the secret store is missing (" + source.status().detail() + "); the file was left unchanged",
        "restore the key (file or keyring entry) that was used when the store was created"));
    Aead aead = new Aead(key);
    Aead.wipe(key);
    if (aead.open(image.keyCheckNonce(), image.keyCheckTag(), StoreCodec.keyCheckAd(image.backend())) == null) {
      throw new SecretsException(Problem.WRONG_KEY, file,
          "the key from " + source.status().detail() + " does not open the secret store; the file was left unchanged",
          "restore the key (file or keyring entry) that was used when the store was created");
    }
    cached = new Loaded(image, aead, source, attrs.fileKey(), attrs.size(), attrs.lastModifiedTime().toMillis());
    return cached;
  }

  private static void requireName(Pattern pattern, String name, String what, String hint) {
    if (name == null || !pattern.matcher(name).matches()) {
      throw new SecretsException(Problem.BAD_INPUT, null, "invalid " + what + " '" + name + "'", hint);
    }
  }

  private static final Comparator<SecretEntry> ORDER = Comparator
      .<SecretEntry, Boolean>comparing(e -> !(e.scope() instanceof Scope.Global))
      .thenComparing(e -> e.scope().id())
      .thenComparing(SecretEntry::name);
}

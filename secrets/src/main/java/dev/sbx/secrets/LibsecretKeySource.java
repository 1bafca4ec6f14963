package dev.sbx.secrets;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.sbx.secrets.api.KeySource;
import dev.sbx.secrets.api.KeySourceStatus;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The key in the Linux Secret Service (GNOME Keyring, KWallet) through libsecret, called with JNA.
 * Unavailable, with the reason, when libsecret is not installed or there is no D-Bus session bus
 * (servers, CI, containers): callers then fall back to {@link KeyFileSource}.
 */
public final class LibsecretKeySource implements KeySource {

  public static final String BACKEND = "libsecret";
  private static final String[] ATTRIBUTES = {"application", "sbx", "purpose", "secret-store-key"};

  private final String libraryName;
  private final Map<String, String> env;

  public LibsecretKeySource() {
    this("secret-1", System.getenv());
  }

  /** For tests: a library name and environment to probe. */
  LibsecretKeySource(String libraryName, Map<String, String> env) {
    this.libraryName = libraryName;
    this.env = Map.copyOf(env);
  }

  @Override
  public String backend() {
    return BACKEND;
  }

  @Override
  public KeySourceStatus status() {
    String bus = env.get("DBUS_SESSION_BUS_ADDRESS");
    if (bus == null || bus.isBlank()) {
      return new KeySourceStatus(BACKEND, false, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)");
    }
    try {
      library();
    } catch (UnsatisfiedLinkError e) {
      return new KeySourceStatus(BACKEND, false, "lib" + libraryName + " is not installed");
    }
    return new KeySourceStatus(BACKEND, true, "Secret Service via lib" + libraryName);
  }

  @Override
  public Optional<byte[]> load() {
    requireAvailable();
    Memory[] schema = schema();
    PointerByReference error = new PointerByReference();
    Pointer found = (Pointer) library().getFunction("secret_password_lookup_sync").invoke(Pointer.class,
        new Object[] {schema[0], null, error, ATTRIBUTES[0], ATTRIBUTES[1], ATTRIBUTES[2], ATTRIBUTES[3], null});
    Reference.reachabilityFence(schema);
    checkError(error, "read the key from");
    if (found == null) {
      return Optional.empty();
    }
    String text = found.getString(0, StandardCharsets.US_ASCII.name());
    library().getFunction("secret_password_free").invoke(Void.class, new Object[] {found});
    byte[] key = Base64.getDecoder().decode(text);
    if (key.length != Aead.KEY_BYTES) {
      throw new SecretsException(Problem.KEY_UNAVAILABLE, null, "the keyring entry for sbx is not a 256-bit key",
          "remove the 'sbx' secret-store-key entry from your keyring only if you mean to lose the stored secrets");
    }
    return Optional.of(key);
  }

  @Override
  public byte[] create() {
    requireAvailable();
    byte[] key = SecureFiles.randomBytes(Aead.KEY_BYTES);
    PointerByReference error = new PointerByReference();
    Memory[] schema = schema();
    Object ok = library().getFunction("secret_password_store_sync").invoke(Integer.class,
        new Object[] {schema[0], "default", "sbx secret store key", Base64.getEncoder().encodeToString(key), null, error,
            ATTRIBUTES[0], ATTRIBUTES[1], ATTRIBUTES[2], ATTRIBUTES[3], null});
    Reference.reachabilityFence(schema);
    checkError(error, "store the key in");
    if (!(ok instanceof Integer i) || i == 0) {
      throw unavailable("the keyring refused to store the key");
    }
    return key;
  }

  private void requireAvailable() {
    KeySourceStatus status = status();
    if (!status.available()) {
      throw unavailable(status.detail());
    }
  }

  private NativeLibrary library() {
    return NativeLibrary.getInstance(libraryName);
  }

  /**
   * A SecretSchema struct (x86-64/aarch64 layout: name, flags, 32 attributes of {name, type},
   * reserved fields; 592 bytes) with two string attributes. Returned with the strings it points to,
   * which the caller keeps reachable until the native call returned (JNA frees unreachable Memory).
   */
  private static Memory[] schema() {
    Memory schema = new Memory(8 + 8 + 32 * 16 + 8 + 7 * 8);
    schema.clear();
    Memory name = new Memory(32);
    name.setString(0, "dev.sbx.SecretStoreKey", StandardCharsets.US_ASCII.name());
    Memory attr1 = new Memory(16);
    attr1.setString(0, ATTRIBUTES[0], StandardCharsets.US_ASCII.name());
    Memory attr2 = new Memory(16);
    attr2.setString(0, ATTRIBUTES[2], StandardCharsets.US_ASCII.name());
    schema.setPointer(0, name);
    schema.setInt(8, 0);
    schema.setPointer(16, attr1);
    schema.setInt(24, 0);
    schema.setPointer(32, attr2);
    schema.setInt(40, 0);
    return new Memory[] {schema, name, attr1, attr2};
  }

  private static void checkError(PointerByReference error, String action) {
    Pointer gerror = error.getValue();
    if (gerror != null) {
      Pointer message = gerror.getPointer(8);
      throw unavailable("cannot " + action + " the keyring: " + (message == null ? "unknown error" : message.getString(0)));
    }
  }

  private static SecretsException unavailable(String why) {
    return new SecretsException(Problem.KEY_UNAVAILABLE, null, "the Secret Service keyring is not available: " + why,
        "unlock or start your keyring (gnome-keyring, KWallet) and try again");
  }
}

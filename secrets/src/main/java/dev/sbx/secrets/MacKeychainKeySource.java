package dev.sbx.secrets;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.sbx.secrets.api.KeySource;
import dev.sbx.secrets.api.KeySourceStatus;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** The key as a generic password in the macOS login Keychain (Security framework, through JNA). */
public final class MacKeychainKeySource implements KeySource {

  public static final String BACKEND = "macos-keychain";
  private static final byte[] SERVICE = "dev.sbx.secret-store".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ACCOUNT = "sbx".getBytes(StandardCharsets.UTF_8);
  private static final int ERR_SEC_ITEM_NOT_FOUND = -25300;

  /** The few Security.framework calls used. */
  interface Security extends Library {
    int SecKeychainFindGenericPassword(Pointer keychain, int serviceLength, byte[] service, int accountLength,
        byte[] account, IntByReference passwordLength, PointerByReference passwordData, Pointer itemRef);

    int SecKeychainAddGenericPassword(Pointer keychain, int serviceLength, byte[] service, int accountLength,
        byte[] account, int passwordLength, byte[] passwordData, Pointer itemRef);

    int SecKeychainItemFreeContent(Pointer attrList, Pointer data);
  }

  @Override
  public String backend() {
    return BACKEND;
  }

  @Override
  public KeySourceStatus status() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("mac")) {
      return new KeySourceStatus(BACKEND, false, "not macOS");
    }
    try {
      security();
      return new KeySourceStatus(BACKEND, true, "login Keychain, service dev.sbx.secret-store");
    } catch (UnsatisfiedLinkError e) {
      return new KeySourceStatus(BACKEND, false, "Security.framework cannot be loaded");
    }
  }

  @Override
  public Optional<byte[]> load() {
    requireAvailable();
    IntByReference length = new IntByReference();
    PointerByReference data = new PointerByReference();
    int status = security().SecKeychainFindGenericPassword(null, SERVICE.length, SERVICE, ACCOUNT.length, ACCOUNT,
        length, data, null);
    if (status == ERR_SEC_ITEM_NOT_FOUND) {
      return Optional.empty();
    }
    if (status != 0) {
      throw unavailable("Keychain error " + status);
    }
    byte[] encoded = data.getValue().getByteArray(0, length.getValue());
    security().SecKeychainItemFreeContent(null, data.getValue());
    byte[] key = Base64.getDecoder().decode(encoded);
    if (key.length != Aead.KEY_BYTES) {
      throw unavailable("the Keychain entry dev.sbx.secret-store is not a 256-bit key");
    }
    return Optional.of(key);
  }

  @Override
  public byte[] create() {
    requireAvailable();
    byte[] key = SecureFiles.randomBytes(Aead.KEY_BYTES);
    byte[] encoded = Base64.getEncoder().encode(key);
    int status = security().SecKeychainAddGenericPassword(null, SERVICE.length, SERVICE, ACCOUNT.length, ACCOUNT,
        encoded.length, encoded, null);
    java.util.Arrays.fill(encoded, (byte) 0);
    if (status != 0) {
      throw unavailable("Keychain error " + status + " while storing the key");
    }
    return key;
  }

  private void requireAvailable() {
    KeySourceStatus s = status();
    if (!s.available()) {
      throw unavailable(s.detail());
    }
  }

  private static Security security() {
    return Native.load("Security", Security.class);
  }

  private static SecretsException unavailable(String why) {
    return new SecretsException(Problem.KEY_UNAVAILABLE, null, "the macOS Keychain is not available: " + why,
        "unlock your login Keychain and try again");
  }
}

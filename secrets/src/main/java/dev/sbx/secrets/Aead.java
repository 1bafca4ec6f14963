package dev.sbx.secrets;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a fresh random 96-bit nonce per encryption and a 128-bit tag. */
final class Aead {

  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;

  private final SecretKeySpec key;

  Aead(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalStateException("AES-256 key must be 32 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** A sealed box: its nonce and ciphertext (tag appended). */
  record Sealed(byte[] nonce, byte[] ciphertext) {}

  Sealed seal(byte[] plaintext, byte[] associatedData) {
    byte[] nonce = SecureFiles.randomBytes(NONCE_BYTES);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData);
      return new Sealed(nonce, c.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable in this JDK", e);
    }
  }

  /** The plaintext, or null when the tag does not verify (wrong key, tampered data or AD). */
  byte[] open(byte[] nonce, byte[] ciphertext, byte[] associatedData) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData);
      return c.doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable in this JDK", e);
    }
  }

  static void wipe(byte[] b) {
    if (b != null) {
      Arrays.fill(b, (byte) 0);
    }
  }
}

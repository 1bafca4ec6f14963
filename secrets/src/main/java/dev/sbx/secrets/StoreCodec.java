package dev.sbx.secrets;

import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretEntry;
import dev.sbx.secrets.api.SecretKind;
import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The store file format, version 1 (all integers big-endian, strings as Java modified UTF-8):
 *
 * <pre>
 *   magic      8 bytes  "SBXSECR\0"
 *   version    u16      1
 *   backend    string   key backend id (keyfile, libsecret, macos-keychain)
 *   keycheck   12-byte nonce + 16-byte tag: AES-GCM of nothing, AD = "sbx-keycheck" + header
 *   count      u32
 *   entries    count x { scope, name, kind u8, hostCount u16, host*, envVar, placeholder,
 *                        nonce 12 bytes, ctLen u32, ciphertext+tag }
 *   digest     32 bytes SHA-256 of everything above
 * </pre>
 *
 * Each entry's associated data is its whole metadata (scope, name, kind, hosts, env var,
 * placeholder), so moving a ciphertext to another name or widening its host list fails
 * authentication. The digest tells a damaged file apart from a wrong key. The version is checked
 * before anything else, so a newer file is refused without being misread.
 */
final class StoreCodec {

  static final byte[] MAGIC = "SBXSECR\0".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  private static final int DIGEST_BYTES = 32;
  private static final int MAX_ENTRIES = 100_000;

  private StoreCodec() {}

  /** One stored secret: metadata in the clear, value sealed. */
  record SealedEntry(SecretEntry meta, byte[] nonce, byte[] ciphertext) {}

  /** A whole store file in memory. */
  record Image(String backend, byte[] keyCheckNonce, byte[] keyCheckTag, List<SealedEntry> entries) {
    Image {
      entries = List.copyOf(entries);
    }
  }

  static byte[] keyCheckAd(String backend) {
    return concat("sbx-keycheck\0".getBytes(StandardCharsets.US_ASCII), header(backend));
  }

  static byte[] entryAd(SecretEntry meta) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write("sbx-secret-v1\0".getBytes(StandardCharsets.US_ASCII));
      writeMeta(out, meta);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] encode(Image image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(header(image.backend()));
      out.write(image.keyCheckNonce());
      out.write(image.keyCheckTag());
      out.writeInt(image.entries().size());
      for (SealedEntry e : image.entries()) {
        writeMeta(out, e.meta());
        out.write(e.nonce());
        out.writeInt(e.ciphertext().length);
        out.write(e.ciphertext());
      }
      out.flush();
      out.write(sha256(bytes.toByteArray()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads the version and backend only, after checking the magic, version and digest. */
  static Image decode(Path file, byte[] bytes) {
    if (bytes.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw corrupt(file, "is not an sbx secret store (bad magic or too short)");
    }
    int version = ((bytes[MAGIC.length] & 0xff) << 8) | (bytes[MAGIC.length + 1] & 0xff);
    if (version > VERSION) {
      throw new SecretsException(Problem.NEWER_VERSION, file,
          "the secret store was written by a newer sbx (format version " + version + "; this sbx reads up to "
              + VERSION + "); the file was left unchanged",
          "upgrade sbx to the version that wrote it");
    }
    if (version < 1) {
      throw corrupt(file, "has an invalid format version " + version);
    }
    if (bytes.length < MAGIC.length + 2 + DIGEST_BYTES) {
      throw corrupt(file, "is truncated");
    }
    int bodyLength = bytes.length - DIGEST_BYTES;
    byte[] expected = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
    if (!MessageDigest.isEqual(sha256(Arrays.copyOf(bytes, bodyLength)), expected)) {
      throw corrupt(file, "is damaged or truncated (checksum mismatch)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bodyLength))) {
      in.skipNBytes(MAGIC.length + 2L);
      String backend = in.readUTF();
      byte[] kcNonce = in.readNBytes(Aead.NONCE_BYTES);
      byte[] kcTag = in.readNBytes(Aead.TAG_BITS / 8);
      if (kcTag.length != Aead.TAG_BITS / 8) {
        throw new EOFException();
      }
      int count = in.readInt();
      if (count < 0 || count > MAX_ENTRIES) {
        throw corrupt(file, "claims " + count + " entries");
      }
      List<SealedEntry> entries = new ArrayList<>(Math.min(count, 1024));
      for (int i = 0; i < count; i++) {
        SecretEntry meta = readMeta(in);
        byte[] nonce = in.readNBytes(Aead.NONCE_BYTES);
        int ctLen = in.readInt();
        if (ctLen < Aead.TAG_BITS / 8 || ctLen > in.available()) {
          throw corrupt(file, "has an entry of invalid length");
        }
        entries.add(new SealedEntry(meta, nonce, in.readNBytes(ctLen)));
      }
      if (in.available() != 0) {
        throw corrupt(file, "has trailing bytes");
      }
      return new Image(backend, kcNonce, kcTag, entries);
    } catch (EOFException e) {
      throw corrupt(file, "is truncated");
    } catch (IOException | IllegalArgumentException e) {
      throw corrupt(file, "cannot be parsed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static SecretsException corrupt(Path file, String what) {
    return new SecretsException(Problem.CORRUPT, file, "the secret store " + what + "; the file was left unchanged",
        "restore it from a backup, or move it aside and set your secrets again with `sbx secret set`");
  }

  private static byte[] header(String backend) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeShort(VERSION);
      out.writeUTF(backend);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeMeta(DataOutputStream out, SecretEntry meta) throws IOException {
    out.writeUTF(meta.scope().id());
    out.writeUTF(meta.name());
    out.writeByte(meta.kind().ordinal());
    out.writeShort(meta.hosts().size());
    for (String h : meta.hosts()) {
      out.writeUTF(h);
    }
    out.writeUTF(meta.envVar());
    out.writeUTF(meta.placeholder());
  }

  private static SecretEntry readMeta(DataInputStream in) throws IOException {
    Scope scope;
    try {
      scope = Scope.parse(in.readUTF());
    } catch (RuntimeException e) {
      throw new IOException("bad scope", e);
    }
    String name = in.readUTF();
    int kind = in.readUnsignedByte();
    if (kind >= SecretKind.values().length) {
      throw new IOException("unknown kind " + kind);
    }
    int hostCount = in.readUnsignedShort();
    List<String> hosts = new ArrayList<>(hostCount);
    for (int i = 0; i < hostCount; i++) {
      hosts.add(in.readUTF());
    }
    return new SecretEntry(scope, name, SecretKind.values()[kind], hosts, in.readUTF(), in.readUTF());
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

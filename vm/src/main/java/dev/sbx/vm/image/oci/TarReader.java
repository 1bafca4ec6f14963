package dev.sbx.vm.image.oci;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A strict streaming tar reader for image layers: POSIX ustar with PAX extended headers
 * ({@code path}, {@code linkpath}, {@code size}, {@code uid}, {@code gid}, {@code mtime}) and GNU
 * long names ({@code L}, {@code K}), numbers in octal or GNU base-256. Header checksums are
 * verified. Sparse files, multi-volume archives and other exotic entry types are refused with
 * the entry's name, never silently skipped.
 */
final class TarReader {
  private static final int BLOCK = 512;
  private static final long MAX_META = 1 << 20;

  private final InputStream in;
  private final String layer;
  private final byte[] header = new byte[BLOCK];
  private long remaining;
  private long padding;
  private Map<String, String> globalPax = new HashMap<>();

  TarReader(InputStream in, String layer) {
    this.in = in;
    this.layer = layer;
  }

  /** The next entry, or {@code null} at the end of the archive. Skips what the last entry left unread. */
  TarEntry next() throws IOException {
    skipRest();
    Map<String, String> pax = new HashMap<>(globalPax);
    String longName = null;
    String longLink = null;
    while (true) {
      if (!readHeader()) {
        return null;
      }
      char type = (char) (header[156] & 0xff);
      long size = number(124, 12, "size");
      String name = longName != null ? longName : ustarName();
      switch (type) {
        case 'x' -> {
          pax.putAll(parsePax(readMeta(size, name)));
          continue;
        }
        case 'g' -> {
          globalPax.putAll(parsePax(readMeta(size, name)));
          pax.putAll(globalPax);
          continue;
        }
        case 'L' -> {
          longName = cString(readMeta(size, name));
          continue;
        }
        case 'K' -> {
          longLink = cString(readMeta(size, name));
          continue;
        }
        default -> { }
      }
      TarEntry.Type t = switch (type) {
        case '0', '\0', '7' -> TarEntry.Type.FILE;
        case '1' -> TarEntry.Type.HARDLINK;
        case '2' -> TarEntry.Type.SYMLINK;
        case '3' -> TarEntry.Type.CHAR_DEVICE;
        case '4' -> TarEntry.Type.BLOCK_DEVICE;
        case '5' -> TarEntry.Type.DIRECTORY;
        case '6' -> TarEntry.Type.FIFO;
        default -> throw unsafe("entry '" + name + "' has tar type '" + printable(type)
            + "' (sparse, multi-volume or vendor-specific), which sbx does not unpack");
      };
      String link = longLink != null ? longLink : field(157, 100);
      if (pax.containsKey("path")) {
        name = pax.get("path");
      }
      if (pax.containsKey("linkpath")) {
        link = pax.get("linkpath");
      }
      if (pax.containsKey("size")) {
        size = paxLong(pax, "size", name);
      }
      int uid = pax.containsKey("uid") ? (int) paxLong(pax, "uid", name) : (int) number(108, 8, "uid");
      int gid = pax.containsKey("gid") ? (int) paxLong(pax, "gid", name) : (int) number(116, 8, "gid");
      long mtime = pax.containsKey("mtime") ? (long) Double.parseDouble(pax.get("mtime")) : number(136, 12, "mtime");
      int mode = (int) (number(100, 8, "mode") & 07777);
      if (t != TarEntry.Type.FILE) {
        size = 0; // header-only types carry no data whatever their size field says (as Go's archive/tar reads them)
      }
      int major = t == TarEntry.Type.CHAR_DEVICE || t == TarEntry.Type.BLOCK_DEVICE ? (int) number(329, 8, "devmajor") : 0;
      int minor = t == TarEntry.Type.CHAR_DEVICE || t == TarEntry.Type.BLOCK_DEVICE ? (int) number(337, 8, "devminor") : 0;
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      return new TarEntry(t, name, link, size, mode, uid, gid, mtime, major, minor);
    }
  }

  /** The body of the current entry; reads stop at its end. */
  InputStream body() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw truncated();
        }
        remaining -= n;
        return n;
      }
    };
  }

  private void skipRest() throws IOException {
    skipFully(remaining + padding);
    remaining = 0;
    padding = 0;
  }

  private void skipFully(long n) throws IOException {
    byte[] buf = new byte[8192];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw truncated();
      }
      n -= r;
    }
  }

  /** Reads a header block; false at the end (a zero block, or end of stream where a header would start). */
  private boolean readHeader() throws IOException {
    int got = in.readNBytes(header, 0, BLOCK);
    if (got == 0) {
      return false;
    }
    if (got < BLOCK) {
      throw truncated();
    }
    boolean zero = true;
    for (byte b : header) {
      if (b != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      return false;
    }
    long stored = number(148, 8, "checksum");
    long unsigned = 0;
    for (int i = 0; i < BLOCK; i++) {
      unsigned += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
    }
    if (stored != unsigned) {
      throw unsafe("a tar header has a bad checksum (the layer is corrupt or not a tar archive)");
    }
    return true;
  }

  private byte[] readMeta(long size, String name) throws IOException {
    if (size > MAX_META) {
      throw unsafe("a tar metadata record before '" + name + "' is " + size + " bytes; refused");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw truncated();
    }
    skipFully((BLOCK - size % BLOCK) % BLOCK);
    return data;
  }

  private Map<String, String> parsePax(byte[] data) {
    // Records: "LEN key=value\n", LEN counting the whole record in bytes.
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < data.length) {
      int sp = i;
      while (sp < data.length && data[sp] != ' ') {
        sp++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw unsafe("a PAX header record has no valid length");
      }
      if (len <= sp - i + 1 || i + len > data.length || data[i + len - 1] != '\n') {
        throw unsafe("a PAX header record is malformed");
      }
      String record = new String(data, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq <= 0) {
        throw unsafe("a PAX header record has no key=value");
      }
      out.put(record.substring(0, eq), record.substring(eq + 1));
      i += len;
    }
    return out;
  }

  private long paxLong(Map<String, String> pax, String key, String name) {
    try {
      long v = Long.parseLong(pax.get(key));
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw unsafe("entry '" + name + "' has an invalid PAX " + key + " '" + pax.get(key) + "'");
    }
  }

  private String ustarName() {
    String name = field(0, 100);
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a' && header[261] == 'r';
    // POSIX ustar splits long names into prefix/name; GNU tar ("ustar  ") uses those bytes otherwise.
    if (ustar && header[262] == 0) {
      String prefix = field(345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private String field(int off, int len) {
    int end = off;
    while (end < off + len && header[end] != 0) {
      end++;
    }
    return new String(header, off, end - off, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  /** An octal field, or GNU base-256 when the high bit of the first byte is set. */
  private long number(int off, int len, String what) {
    if ((header[off] & 0x80) != 0) {
      if ((header[off] & 0x40) != 0) {
        throw unsafe("a tar header has a negative " + what);
      }
      long v = header[off] & 0x3f;
      for (int i = 1; i < len; i++) {
        if ((v >>> 55) != 0) {
          throw unsafe("a tar header has a " + what + " that does not fit in 63 bits");
        }
        v = (v << 8) | (header[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    boolean any = false;
    while (i < end && header[i] >= '0' && header[i] <= '7') {
      v = v * 8 + (header[i] - '0');
      i++;
      any = true;
    }
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    if (i != end) {
      throw unsafe("a tar header has an invalid " + what + " field");
    }
    return any ? v : 0;
  }

  private static String printable(char c) {
    return c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c);
  }

  private OciException truncated() {
    return new OciException(OciException.Kind.UNSAFE_LAYER, "layer " + layer + " ends in the middle of a tar entry (truncated)",
        new EOFException());
  }

  private OciException unsafe(String why) {
    return new OciException(OciException.Kind.UNSAFE_LAYER, "layer " + layer + ": " + why);
  }
}

package dev.sbx.vm.image.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Writes tar archives in tests: ustar headers, PAX records for long names, optional gzip. */
final class TarBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int uid;
  private int gid;

  TarBuilder owner(int uid, int gid) {
    this.uid = uid;
    this.gid = gid;
    return this;
  }

  TarBuilder dir(String name) {
    return dir(name, 0755);
  }

  TarBuilder dir(String name, int mode) {
    return entry(name, '5', mode, new byte[0], "", 0, 0);
  }

  TarBuilder file(String name, String content) {
    return file(name, 0644, content.getBytes(StandardCharsets.UTF_8));
  }

  TarBuilder file(String name, int mode, byte[] content) {
    return entry(name, '0', mode, content, "", 0, 0);
  }

  TarBuilder symlink(String name, String target) {
    return entry(name, '2', 0777, new byte[0], target, 0, 0);
  }

  TarBuilder hardlink(String name, String target) {
    return entry(name, '1', 0644, new byte[0], target, 0, 0);
  }

  TarBuilder charDevice(String name, int major, int minor) {
    return entry(name, '3', 0666, new byte[0], "", major, minor);
  }

  TarBuilder fifo(String name) {
    return entry(name, '6', 0644, new byte[0], "", 0, 0);
  }

  /** A GNU long-name record ('L') before the entry, as GNU tar writes names over 100 bytes. */
  TarBuilder gnuLongFile(String name, String content) {
    byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
    header("././@LongLink", 'L', 0644, n.length, "", 0, 0);
    body(n);
    return entry(name.substring(0, 99), '0', 0644, content.getBytes(StandardCharsets.UTF_8), "", 0, 0, false);
  }

  /** Raw header with any type flag (for refusal tests). */
  TarBuilder raw(String name, char type, byte[] content) {
    return entry(name, type, 0644, content, "", 0, 0, false);
  }

  TarBuilder entry(String name, char type, int mode, byte[] content, String link, int major, int minor) {
    return entry(name, type, mode, content, link, major, minor, true);
  }

  private TarBuilder entry(String name, char type, int mode, byte[] content, String link, int major, int minor, boolean pax) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
    String headerName = name;
    String headerLink = link;
    if (pax && (nameBytes.length > 100 || linkBytes.length > 100)) {
      StringBuilder records = new StringBuilder();
      if (nameBytes.length > 100) {
        records.append(paxRecord("path", name));
        headerName = "PaxHeaders/long";
      }
      if (linkBytes.length > 100) {
        records.append(paxRecord("linkpath", link));
        headerLink = "";
      }
      byte[] r = records.toString().getBytes(StandardCharsets.UTF_8);
      header("PaxHeaders/x", 'x', 0644, r.length, "", 0, 0);
      body(r);
    }
    header(headerName, type, mode, content.length, headerLink, major, minor);
    body(content);
    return this;
  }

  private static String paxRecord(String key, String value) {
    String rest = " " + key + "=" + value + "\n";
    int restLen = rest.getBytes(StandardCharsets.UTF_8).length;
    int len = restLen + String.valueOf(restLen).length();
    if (String.valueOf(len).length() != String.valueOf(restLen).length()) {
      len = restLen + String.valueOf(len).length();
    }
    return len + rest;
  }

  private void header(String name, char type, int mode, long size, String link, int major, int minor) {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, uid);
    octal(h, 116, 8, gid);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 1_700_000_000L);
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar");
    put(h, 263, 2, "00");
    octal(h, 329, 8, major);
    octal(h, 337, 8, minor);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String s = String.format("%06o", sum);
    put(h, 148, 6, s);
    h[154] = 0;
    h[155] = ' ';
    out.writeBytes(h);
  }

  private void body(byte[] content) {
    out.writeBytes(content);
    int pad = (512 - content.length % 512) % 512;
    out.writeBytes(new byte[pad]);
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > len) {
      throw new IllegalArgumentException("too long for the field: " + s);
    }
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = String.format("%0" + (len - 1) + "o", v);
    put(h, off, len - 1, s);
  }

  byte[] tar() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(new byte[1024]);
    return copy.toByteArray();
  }

  byte[] tarGz() {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(tar());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return gz.toByteArray();
  }
}

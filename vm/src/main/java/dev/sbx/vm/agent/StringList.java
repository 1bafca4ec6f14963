package dev.sbx.vm.agent;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The protocol's string list: {@code u32 count}, then per item {@code u32 len} + UTF-8 bytes. */
public final class StringList {
  private StringList() {}

  public static byte[] encode(List<String> items) {
    var out = new ByteArrayOutputStream();
    writeInt(out, items.size());
    for (String item : items) {
      byte[] bytes = item.getBytes(StandardCharsets.UTF_8);
      writeInt(out, bytes.length);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  public static List<String> decode(byte[] payload) throws ProtocolException {
    try {
      ByteBuffer buf = ByteBuffer.wrap(payload);
      int count = buf.getInt();
      if (count < 0 || count > payload.length) {
        throw new ProtocolException("string list count " + count + " impossible for " + payload.length + " bytes");
      }
      var items = new ArrayList<String>(count);
      for (int i = 0; i < count; i++) {
        int len = buf.getInt();
        if (len < 0 || len > buf.remaining()) {
          throw new ProtocolException("string list item length " + len + " exceeds the frame");
        }
        byte[] bytes = new byte[len];
        buf.get(bytes);
        items.add(new String(bytes, StandardCharsets.UTF_8));
      }
      if (buf.hasRemaining()) {
        throw new ProtocolException(buf.remaining() + " trailing bytes after string list");
      }
      return items;
    } catch (BufferUnderflowException e) {
      throw new ProtocolException("truncated string list");
    }
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}

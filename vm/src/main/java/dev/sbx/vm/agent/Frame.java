package dev.sbx.vm.agent;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One protocol frame: {@code u32 length | u8 type | u32 stream | payload}, big endian, where
 * length counts the bytes after itself (5 + payload).
 */
public record Frame(int type, int stream, byte[] payload) {
  public static final int MAX_PAYLOAD = 65536;
  public static final int HEADER = 9;

  public Frame {
    Objects.requireNonNull(payload, "payload");
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
    }
    if (type < 0 || type > 0xff) {
      throw new IllegalArgumentException("type out of range: " + type);
    }
  }

  public static Frame of(int type, int stream) {
    return new Frame(type, stream, new byte[0]);
  }

  public byte[] encode() {
    ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
    buf.putInt(5 + payload.length).put((byte) type).putInt(stream).put(payload);
    return buf.array();
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(encode());
  }

  /** Reads one frame; {@link EOFException} at a clean end of stream. */
  public static Frame readFrom(InputStream in) throws IOException {
    DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
    int length = data.readInt();
    if (length < 5 || length > 5 + MAX_PAYLOAD) {
      throw new ProtocolException("frame length " + length + " out of range 5.." + (5 + MAX_PAYLOAD));
    }
    int type = data.readUnsignedByte();
    int stream = data.readInt();
    byte[] payload = new byte[length - 5];
    data.readFully(payload);
    return new Frame(type, stream, payload);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.type == type && f.stream == stream && java.util.Arrays.equals(f.payload, payload);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type + stream) + java.util.Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Frame[type=0x" + Integer.toHexString(type) + ", stream=" + stream + ", " + payload.length + " bytes]";
  }
}

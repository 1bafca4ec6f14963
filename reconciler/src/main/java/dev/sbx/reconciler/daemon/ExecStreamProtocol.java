package dev.sbx.reconciler.daemon;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of {@code sbx-exec/1}, the stream an exec connection carries after
 * {@code 101 Switching Protocols}: frames of a one-byte type, a four-byte big-endian payload length
 * and the payload. Why not WebSocket: both ends are ours, the transport is already a byte stream
 * (unix socket or TLS), and five bytes of header with no masking or fragmentation rules keep the
 * codec small enough to prove with a property test.
 *
 * <pre>
 * type  name         direction        payload
 * 0x01  STDIN        client → daemon  bytes
 * 0x02  STDOUT       daemon → client  bytes
 * 0x03  STDERR       daemon → client  bytes
 * 0x04  RESIZE       client → daemon  u16 cols, u16 rows
 * 0x05  SIGNAL       client → daemon  u8 signal number
 * 0x06  CLOSE_STDIN  client → daemon  (empty)
 * 0x07  EXIT         daemon → client  i32 exit code, u8 signal (0 = none), UTF-8 error text (may be empty)
 * </pre>
 *
 * A payload over {@link #MAX_PAYLOAD}, an unknown type or a payload of the wrong size for its type
 * is a protocol error: the reader throws and the connection is closed.
 */
public final class ExecStreamProtocol {
  /** The {@code Upgrade} token. */
  public static final String UPGRADE = "sbx-exec/1";
  /** Data frames are split at this size by writers; readers refuse more. */
  public static final int MAX_PAYLOAD = 1 << 20;
  static final int HEADER = 5;

  static final byte STDIN = 1;
  static final byte STDOUT = 2;
  static final byte STDERR = 3;
  static final byte RESIZE = 4;
  static final byte SIGNAL = 5;
  static final byte CLOSE_STDIN = 6;
  static final byte EXIT = 7;

  private ExecStreamProtocol() {}

  /** The frame's bytes on the wire. Data larger than {@link #MAX_PAYLOAD} must be split by the caller. */
  public static byte[] encode(ExecFrame frame) {
    if (frame instanceof ExecFrame.Stdin s) {
      return frame(STDIN, s.bytes());
    } else if (frame instanceof ExecFrame.Stdout s) {
      return frame(STDOUT, s.bytes());
    } else if (frame instanceof ExecFrame.Stderr s) {
      return frame(STDERR, s.bytes());
    } else if (frame instanceof ExecFrame.Resize r) {
      return frame(RESIZE, ByteBuffer.allocate(4).putShort((short) r.cols()).putShort((short) r.rows()).array());
    } else if (frame instanceof ExecFrame.Signal s) {
      return frame(SIGNAL, new byte[] {(byte) s.number()});
    } else if (frame instanceof ExecFrame.CloseStdin) {
      return frame(CLOSE_STDIN, new byte[0]);
    } else {
      ExecFrame.Exit e = (ExecFrame.Exit) frame;
      byte[] text = e.error().getBytes(StandardCharsets.UTF_8);
      return frame(EXIT, ByteBuffer.allocate(5 + text.length).putInt(e.code()).put((byte) e.signal()).put(text).array());
    }
  }

  private static byte[] frame(byte type, byte[] payload) {
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException("frame payload " + payload.length + " > " + MAX_PAYLOAD + "; split it");
    }
    return ByteBuffer.allocate(HEADER + payload.length).put(type).putInt(payload.length).put(payload).array();
  }

  /** A malformed stream. */
  public static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }

  /**
   * Incremental decoder: bytes go in as they arrive, split anywhere; whole frames come out. Not
   * thread-safe (one reader per connection).
   */
  public static final class Decoder {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Adds {@code len} bytes and returns the frames they complete, in order. */
    public List<ExecFrame> feed(byte[] bytes, int off, int len) throws ProtocolException {
      pending.write(bytes, off, len);
      List<ExecFrame> frames = new ArrayList<>();
      byte[] all = pending.toByteArray();
      int at = 0;
      while (all.length - at >= HEADER) {
        int length = ByteBuffer.wrap(all, at + 1, 4).getInt();
        if (length < 0 || length > MAX_PAYLOAD) {
          throw new ProtocolException("frame payload length " + length + " out of range");
        }
        if (all.length - at - HEADER < length) {
          break;
        }
        frames.add(decode(all[at], ByteBuffer.wrap(all, at + HEADER, length).slice()));
        at += HEADER + length;
      }
      pending.reset();
      pending.write(all, at, all.length - at);
      return frames;
    }

    /** True when no partial frame is buffered (a clean place for the stream to end). */
    public boolean idle() {
      return pending.size() == 0;
    }
  }

  private static ExecFrame decode(byte type, ByteBuffer p) throws ProtocolException {
    int n = p.remaining();
    return switch (type) {
      case STDIN -> new ExecFrame.Stdin(bytes(p));
      case STDOUT -> new ExecFrame.Stdout(bytes(p));
      case STDERR -> new ExecFrame.Stderr(bytes(p));
      case RESIZE -> {
        expect(n == 4, "RESIZE", n);
        int cols = Short.toUnsignedInt(p.getShort());
        int rows = Short.toUnsignedInt(p.getShort());
        try {
          yield new ExecFrame.Resize(cols, rows);
        } catch (IllegalArgumentException e) {
          throw new ProtocolException(e.getMessage());
        }
      }
      case SIGNAL -> {
        expect(n == 1, "SIGNAL", n);
        try {
          yield new ExecFrame.Signal(Byte.toUnsignedInt(p.get()));
        } catch (IllegalArgumentException e) {
          throw new ProtocolException(e.getMessage());
        }
      }
      case CLOSE_STDIN -> {
        expect(n == 0, "CLOSE_STDIN", n);
        yield new ExecFrame.CloseStdin();
      }
      case EXIT -> {
        expect(n >= 5, "EXIT", n);
        int code = p.getInt();
        int signal = Byte.toUnsignedInt(p.get());
        yield new ExecFrame.Exit(code, signal, new String(bytes(p), StandardCharsets.UTF_8));
      }
      default -> throw new ProtocolException("unknown frame type " + type);
    };
  }

  private static void expect(boolean ok, String type, int n) throws ProtocolException {
    if (!ok) {
      throw new ProtocolException(type + " frame with a " + n + "-byte payload");
    }
  }

  private static byte[] bytes(ByteBuffer p) {
    byte[] b = new byte[p.remaining()];
    p.get(b);
    return b;
  }

  /** Reads frames from a blocking stream. */
  public static final class Reader {
    private final InputStream in;
    private final Decoder decoder = new Decoder();
    private final java.util.ArrayDeque<ExecFrame> ready = new java.util.ArrayDeque<>();
    private final byte[] buffer = new byte[64 * 1024];

    public Reader(InputStream in) {
      this.in = in;
    }

    /** The next frame; {@code null} at a clean end of stream; EOF inside a frame throws. */
    public ExecFrame next() throws IOException {
      while (ready.isEmpty()) {
        int n = in.read(buffer);
        if (n < 0) {
          if (!decoder.idle()) {
            throw new EOFException("stream ended inside a frame");
          }
          return null;
        }
        ready.addAll(decoder.feed(buffer, 0, n));
      }
      return ready.poll();
    }
  }
}

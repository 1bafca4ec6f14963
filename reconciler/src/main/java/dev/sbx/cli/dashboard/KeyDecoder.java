package dev.sbx.cli.dashboard;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Turns the bytes of a terminal in raw mode into {@link Key}s: arrows and Home/End in both the
 * normal ({@code ESC [ A}) and the application-cursor ({@code ESC O A}) spellings, Page Up/Down
 * ({@code ESC [ 5 ~}), Enter (CR or LF), Backspace (DEL or BS), Ctrl-C/Ctrl-D, UTF-8 characters. A
 * lone ESC is the Escape key when nothing follows within {@link #ESCAPE_WAIT_MILLIS} (what
 * terminals and tmux send for Escape and for an arrow arrives in one write). Bytes come from a
 * queue that a reader thread fills ({@code -1} = end of input).
 */
final class KeyDecoder {
  static final long ESCAPE_WAIT_MILLIS = 40;
  private final BlockingQueue<Integer> bytes;

  KeyDecoder(BlockingQueue<Integer> bytes) {
    this.bytes = bytes;
  }

  /** The next key, or null when none arrives within {@code timeoutMillis}. */
  Key next(long timeoutMillis) throws InterruptedException {
    Integer b = bytes.poll(Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
    if (b == null) {
      return null;
    }
    return decode(b);
  }

  private Key decode(int b) throws InterruptedException {
    switch (b) {
      case -1:
        return Key.of(Key.Type.EOF);
      case 3:
        return Key.of(Key.Type.CTRL_C);
      case 4:
        return Key.of(Key.Type.CTRL_D);
      case '\r':
      case '\n':
        return Key.of(Key.Type.ENTER);
      case 127:
      case 8:
        return Key.of(Key.Type.BACKSPACE);
      case 27:
        return escape();
      default:
        break;
    }
    if (b < 0x80) {
      return b < 32 ? Key.of(Key.Type.UNKNOWN) : Key.ch(b);
    }
    return utf8(b);
  }

  private Key escape() throws InterruptedException {
    Integer introducer = bytes.poll(ESCAPE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    if (introducer == null) {
      return Key.of(Key.Type.ESCAPE);
    }
    if (introducer != '[' && introducer != 'O') {
      return Key.of(Key.Type.ESCAPE); // Alt+key: the key itself is dropped
    }
    Integer c = bytes.poll(ESCAPE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    if (c == null) {
      return Key.of(Key.Type.UNKNOWN);
    }
    switch (c.intValue()) {
      case 'A':
        return Key.of(Key.Type.UP);
      case 'B':
        return Key.of(Key.Type.DOWN);
      case 'C':
        return Key.of(Key.Type.RIGHT);
      case 'D':
        return Key.of(Key.Type.LEFT);
      case 'H':
        return Key.of(Key.Type.HOME);
      case 'F':
        return Key.of(Key.Type.END);
      default:
        break;
    }
    if (c < '0' || c > '9') {
      return Key.of(Key.Type.UNKNOWN);
    }
    StringBuilder number = new StringBuilder().append((char) c.intValue());
    for (Integer d = bytes.poll(ESCAPE_WAIT_MILLIS, TimeUnit.MILLISECONDS); d != null;
        d = bytes.poll(ESCAPE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
      if (d == '~') {
        return switch (number.toString()) {
          case "1", "7" -> Key.of(Key.Type.HOME);
          case "4", "8" -> Key.of(Key.Type.END);
          case "5" -> Key.of(Key.Type.PAGE_UP);
          case "6" -> Key.of(Key.Type.PAGE_DOWN);
          default -> Key.of(Key.Type.UNKNOWN);
        };
      }
      if ((d < '0' || d > '9') && d != ';') {
        return Key.of(Key.Type.UNKNOWN);
      }
      number.append((char) d.intValue());
    }
    return Key.of(Key.Type.UNKNOWN);
  }

  private Key utf8(int first) throws InterruptedException {
    int extra = first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1 : -1;
    if (extra < 0) {
      return Key.of(Key.Type.UNKNOWN);
    }
    int cp = first & (0x3F >> extra);
    for (int i = 0; i < extra; i++) {
      Integer c = bytes.poll(ESCAPE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      if (c == null || (c & 0xC0) != 0x80) {
        return Key.of(Key.Type.UNKNOWN);
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    return Key.ch(cp);
  }
}

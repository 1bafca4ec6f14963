package dev.sbx.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

class KeyDecoderTest {
  private static List<Key> decode(byte[] bytes) throws InterruptedException {
    LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
    for (byte b : bytes) {
      queue.add(b & 0xFF);
    }
    KeyDecoder decoder = new KeyDecoder(queue);
    List<Key> keys = new ArrayList<>();
    for (Key k = decoder.next(0); k != null; k = decoder.next(0)) {
      keys.add(k);
    }
    return keys;
  }

  private static List<Key> decode(String s) throws InterruptedException {
    return decode(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void arrowsInBothCursorModes() throws Exception {
    assertEquals(List.of(Key.of(Key.Type.UP), Key.of(Key.Type.DOWN), Key.of(Key.Type.DOWN), Key.of(Key.Type.LEFT)),
        decode("\u001b[A\u001b[B\u001bOB\u001bOD"));
  }

  @Test
  void pageHomeEndAndModifiedKeys() throws Exception {
    assertEquals(List.of(Key.of(Key.Type.PAGE_UP), Key.of(Key.Type.PAGE_DOWN), Key.of(Key.Type.HOME),
        Key.of(Key.Type.END), Key.of(Key.Type.END)), decode("\u001b[5~\u001b[6~\u001b[1~\u001b[F\u001b[4~"));
  }

  @Test
  void aLoneEscapeIsTheEscapeKey() throws Exception {
    assertEquals(List.of(Key.of(Key.Type.ESCAPE)), decode("\u001bq"), "Alt+q: Escape, the q dropped");
    LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>(List.of(27));
    KeyDecoder decoder = new KeyDecoder(queue);
    assertEquals(Key.of(Key.Type.ESCAPE), decoder.next(0));
    assertNull(decoder.next(0));
  }

  @Test
  void controlKeysTextAndUtf8() throws Exception {
    assertEquals(List.of(Key.of(Key.Type.CTRL_C), Key.of(Key.Type.ENTER), Key.of(Key.Type.BACKSPACE), Key.ch('/'),
        Key.ch('ü'), Key.ch(0x1F680)), decode("\u0003\r\u007f/ü\uD83D\uDE80"));
    assertEquals(List.of(Key.of(Key.Type.EOF)), List.of(new KeyDecoder(new LinkedBlockingQueue<>(List.of(-1))).next(0)));
  }
}

package dev.sbx.vm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FrameTest {

  @Property
  void framesRoundTrip(@ForAll @IntRange(min = 0, max = 255) int type, @ForAll int stream,
      @ForAll @Size(max = 300) byte[] payload) throws IOException {
    Frame frame = new Frame(type, stream, payload);
    assertEquals(frame, Frame.readFrom(new ByteArrayInputStream(frame.encode())));
  }

  @Property
  void stringListsRoundTrip(@ForAll @Size(max = 20) List<String> items) throws IOException {
    assertEquals(items, StringList.decode(StringList.encode(items)));
  }

  @Test
  void headerIsLengthTypeStreamBigEndian() {
    byte[] bytes = new Frame(FrameType.PING, 3, new byte[] {9}).encode();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    assertEquals(6, b.getInt());
    assertEquals(FrameType.PING, b.get());
    assertEquals(3, b.getInt());
    assertEquals(9, b.get());
  }

  @Test
  void oversizedFrameIsAProtocolError() {
    byte[] header = ByteBuffer.allocate(9).putInt(5 + 65537).put((byte) 1).putInt(0).array();
    assertThrows(ProtocolException.class, () -> Frame.readFrom(new ByteArrayInputStream(header)));
  }

  @Test
  void truncatedStringListIsAProtocolError() {
    byte[] bad = ByteBuffer.allocate(8).putInt(1).putInt(50).array();
    assertThrows(ProtocolException.class, () -> StringList.decode(bad));
  }

  @Test
  void tagsSplitAtTheFirstEqualsAndRepeat() throws IOException {
    Tags tags = Tags.decode(Tags.create().add("env", "A=B=C").add("env", "D=").add("x", "1").encode());
    assertEquals(List.of("A=B=C", "D="), tags.all("env"));
    assertEquals("1", tags.first("x").orElseThrow());
    assertEquals(List.of(), tags.all("missing"));
  }
}

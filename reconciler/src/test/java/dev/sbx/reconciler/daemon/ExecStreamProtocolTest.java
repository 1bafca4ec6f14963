package dev.sbx.reconciler.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ExecStreamProtocolTest {

  @Property(tries = 300)
  void framesSurviveAnySplitOfTheStream(@ForAll @Size(max = 20) List<@From("frames") ExecFrame> frames,
      @ForAll @Size(max = 30) List<@IntRange(min = 1, max = 700) Integer> cuts) throws IOException {
    byte[] wire = concat(frames);
    ExecStreamProtocol.Decoder decoder = new ExecStreamProtocol.Decoder();
    List<ExecFrame> decoded = new ArrayList<>();
    int at = 0;
    for (int cut : cuts) {
      int n = Math.min(cut, wire.length - at);
      decoded.addAll(decoder.feed(wire, at, n));
      at += n;
    }
    decoded.addAll(decoder.feed(wire, at, wire.length - at));
    assertEquals(frames, decoded);
    assertEquals(true, decoder.idle());
  }

  @Property(tries = 200)
  void theBlockingReaderCopesWithShortReads(@ForAll @Size(max = 20) List<@From("frames") ExecFrame> frames,
      @ForAll @IntRange(min = 1, max = 9) int readSize) throws IOException {
    InputStream trickle = new FilterInputStream(new ByteArrayInputStream(concat(frames))) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, readSize));
      }
    };
    ExecStreamProtocol.Reader reader = new ExecStreamProtocol.Reader(trickle);
    List<ExecFrame> decoded = new ArrayList<>();
    ExecFrame f;
    while ((f = reader.next()) != null) {
      decoded.add(f);
    }
    assertEquals(frames, decoded);
  }

  @Property(tries = 100)
  void aStreamCutInsideAFrameIsAnErrorNotACleanEnd(@ForAll @Size(min = 1, max = 5) List<@From("frames") ExecFrame> frames,
      @ForAll @IntRange(min = 1, max = 4) int missing) throws IOException {
    byte[] wire = concat(frames);
    ExecStreamProtocol.Reader reader = new ExecStreamProtocol.Reader(
        new ByteArrayInputStream(wire, 0, wire.length - Math.min(missing, ExecStreamProtocol.HEADER)));
    assertThrows(EOFException.class, () -> {
      while (reader.next() != null) {
        // drain
      }
    });
  }

  @Test
  void wireLayoutIsTypeLengthPayload() {
    assertEquals("04 00 00 00 04 00 65 00 1e", hex(ExecStreamProtocol.encode(new ExecFrame.Resize(101, 30))));
    assertEquals("05 00 00 00 01 02", hex(ExecStreamProtocol.encode(new ExecFrame.Signal(2))));
    assertEquals("07 00 00 00 05 00 00 00 89 09", hex(ExecStreamProtocol.encode(new ExecFrame.Exit(137, 9, ""))));
    assertEquals("06 00 00 00 00", hex(ExecStreamProtocol.encode(new ExecFrame.CloseStdin())));
  }

  @Test
  void malformedFramesAreProtocolErrors() {
    var decoder = new ExecStreamProtocol.Decoder();
    assertThrows(ExecStreamProtocol.ProtocolException.class, () -> decoder.feed(new byte[] {9, 0, 0, 0, 0}, 0, 5));
    assertThrows(ExecStreamProtocol.ProtocolException.class,
        () -> new ExecStreamProtocol.Decoder().feed(new byte[] {2, 0x7f, 0, 0, 0}, 0, 5));
    assertThrows(ExecStreamProtocol.ProtocolException.class,
        () -> new ExecStreamProtocol.Decoder().feed(new byte[] {4, 0, 0, 0, 1, 0}, 0, 6));
    assertThrows(ExecStreamProtocol.ProtocolException.class,
        () -> new ExecStreamProtocol.Decoder().feed(new byte[] {4, 0, 0, 0, 4, 0, 0, 0, 5}, 0, 9));
  }

  @Test
  void anEmptyStreamIsACleanEnd() throws IOException {
    assertNull(new ExecStreamProtocol.Reader(new ByteArrayInputStream(new byte[0])).next());
  }

  @Provide
  Arbitrary<ExecFrame> frames() {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    return Arbitraries.oneOf(
        bytes.map(ExecFrame.Stdin::new),
        bytes.map(ExecFrame.Stdout::new),
        bytes.map(ExecFrame.Stderr::new),
        Combinators.combine(Arbitraries.integers().between(1, 0xFFFF), Arbitraries.integers().between(1, 0xFFFF))
            .as(ExecFrame.Resize::new),
        Arbitraries.integers().between(1, 64).map(ExecFrame.Signal::new),
        Arbitraries.just(new ExecFrame.CloseStdin()),
        Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(0, 255),
            Arbitraries.strings().alpha().numeric().withChars("é✓ -:").ofMaxLength(40)).as(ExecFrame.Exit::new));
  }

  private static byte[] concat(List<ExecFrame> frames) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    frames.forEach(f -> wire.writeBytes(ExecStreamProtocol.encode(f)));
    return wire.toByteArray();
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(s.length() == 0 ? "" : " ").append(String.format("%02x", b));
    }
    return s.toString();
  }
}

package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.SourceFile;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The strict reader's UTF-8 check and positions, against independent oracles. */
class YamlReaderPropertiesTest {
  private static final SourceFile FILE = SourceFile.of(Path.of("mem.yaml"));

  @Property(tries = 2000)
  void utf8CheckAgreesWithTheJdkDecoder(@ForAll("bytes") byte[] bytes) {
    boolean jdkValid;
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      jdkValid = true;
    } catch (CharacterCodingException e) {
      jdkValid = false;
    }
    assertEquals(jdkValid, YamlReader.firstInvalidUtf8(bytes) < 0);
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
    Arbitrary<byte[]> text = Arbitraries.strings().ofMaxLength(6)
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(random, text);
  }

  /** Every key of a generated block mapping is found at the line and column it was written. */
  @Property(tries = 300)
  void everyKeyIsPositionedWhereItWasWritten(
      @ForAll("documents") List<Map.Entry<String, List<String>>> doc) {
    StringBuilder yaml = new StringBuilder();
    int line = 1;
    java.util.Map<String, Position> expected = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : doc) {
      expected.put("/" + e.getKey(), new Position(line, 1));
      yaml.append(e.getKey()).append(":\n");
      line++;
      for (int i = 0; i < e.getValue().size(); i++) {
        expected.put("/" + e.getKey() + "/" + i, new Position(line, 5));
        yaml.append("  - '").append(e.getValue().get(i).replace("'", "''")).append("'\n");
        line++;
      }
    }
    var docs = new YamlReader(1 << 20).read(FILE, yaml.toString().getBytes(StandardCharsets.UTF_8));
    expected.forEach((pointer, position) ->
        assertEquals(position, docs.get(0).positions().at(pointer).orElseThrow(), pointer));
    assertTrue(docs.get(0).root().isObject());
  }

  @Provide
  Arbitrary<List<Map.Entry<String, List<String>>>> documents() {
    Arbitrary<String> key = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(8);
    Arbitrary<List<String>> values = Arbitraries.strings().withCharRange(' ', '~')
        .withChars('é', '中').ofMaxLength(10).list().ofMaxSize(4);
    return Arbitraries.maps(key, values).ofMinSize(1).ofMaxSize(6)
        .map(m -> List.copyOf(m.entrySet()));
  }
}

package dev.sbx.reconciler.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Explained YAML loads back to exactly the document: comments are the only addition. */
class ExplainWriterPropertiesTest {
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> tricky = Arbitraries.of("true", "no", "~", "null", "1.0", "0x1F", "-x",
        "a: b", "a #b", "trailing ", "colon:", "", " lead", "x\n", "x\n\n", "a\n b\n", "\ttab",
        "é ü", "'q'", "\"dq\"", "[x]", "{y}", "*ref", "&anchor", "!tag", "%pct", "@at", "`bt`",
        "a\r\nb", "line1\nline2", "Claude Code", "docker/sandbox-templates:claude-code-docker");
    Arbitrary<String> random = Arbitraries.strings().withCharRange(' ', '~')
        .withChars('\n', '\t', '\r', 'é', '\u0085', '\u2028', '\u0000', '\ufeff').ofMaxLength(20);
    return Arbitraries.oneOf(tricky, random);
  }

  @Provide
  Arbitrary<Map<String, Object>> documents() {
    Arbitrary<Object> leaf = Arbitraries.oneOf(texts().map(s -> (Object) s),
        Arbitraries.integers().between(-5, 70000).map(i -> (Object) i),
        Arbitraries.of(true, false).map(b -> (Object) b),
        texts().list().ofMaxSize(3).map(l -> (Object) l));
    Arbitrary<Map<String, Object>> inner = Arbitraries.maps(texts().filter(k -> !k.isEmpty()),
        leaf).ofMaxSize(4);
    return Arbitraries.maps(texts().filter(k -> !k.isEmpty()),
        Arbitraries.oneOf(leaf, inner.map(m -> (Object) m),
            inner.list().ofMaxSize(2).map(l -> (Object) l))).ofMaxSize(5);
  }

  @Property
  void explainedYamlLoadsToTheSameDocument(@ForAll("documents") Map<String, Object> doc,
      @ForAll("texts") String comment) {
    Map<String, String> comments = new LinkedHashMap<>();
    for (String key : doc.keySet()) {
      comments.put(dev.sbx.schemas.model.Positions.child("", key), comment);
      comments.put(dev.sbx.schemas.model.Positions.child("", key) + "/0", comment);
    }
    String yaml = ExplainWriter.write(doc, comments);
    Object loaded;
    try {
      loaded = new Load(LoadSettings.builder().build()).loadFromString(yaml);
    } catch (RuntimeException e) {
      throw new AssertionError("does not load:\n" + yaml, e);
    }
    assertEquals(doc.isEmpty() ? null : doc, loaded, yaml);
  }

  @Property
  void emptyCollectionsRoundTrip(@ForAll("texts") String key) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(key.isEmpty() ? "k" : key, List.of());
    doc.put("m", Map.of());
    assertEquals(doc, new Load(LoadSettings.builder().build())
        .loadFromString(ExplainWriter.write(doc, Map.of())));
  }
}

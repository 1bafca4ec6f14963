package dev.sbx.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OutputFormatTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void formatsParseCaseInsensitivelyAndTextIsTable() {
    assertEquals(OutputFormat.TABLE, OutputFormat.parse("text"));
    assertEquals(OutputFormat.JSON, OutputFormat.parse("JSON"));
    assertEquals(OutputFormat.YAML, OutputFormat.parse("yml"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputFormat.parse("xml"));
    assertTrue(e.getMessage().contains("table, json or yaml"), e.getMessage());
  }

  @Test
  void yamlCarriesExactlyTheJsonFields() {
    JsonNode node = JSON.readTree("[{\"name\":\"dev\",\"cpus\":2,\"workspace\":null,\"ports\":[],"
        + "\"specHash\":\"1\",\"on\":true,\"note\":\"a: b\\nc\"}]");
    String yaml = Structured.yaml(node);
    Object back = new Load(LoadSettings.builder().setSchema(new org.snakeyaml.engine.v2.schema.JsonSchema()).build())
        .loadFromString(yaml);
    assertEquals(JSON.convertValue(node, Object.class), back, yaml);
    assertTrue(yaml.startsWith("- name: dev"), yaml);
  }

  @Test
  void emptyCollectionsAreValidYaml() {
    assertEquals("[]\n", Structured.yaml(JSON.createArrayNode()));
    assertEquals("{}\n", Structured.yaml(JSON.createObjectNode()));
    assertEquals(List.of(), new Load(LoadSettings.builder().build()).loadFromString(Structured.yaml(JSON.createArrayNode())));
    assertEquals(Map.of(), new Load(LoadSettings.builder().build()).loadFromString(Structured.yaml(JSON.createObjectNode())));
  }

  @Test
  void colourOnlyOnATerminalWithoutNoColor() {
    assertTrue(ColorMode.AUTO.enabled(true, Map.of()));
    assertFalse(ColorMode.AUTO.enabled(false, Map.of()));
    assertFalse(ColorMode.AUTO.enabled(true, Map.of("NO_COLOR", "1")));
    assertTrue(ColorMode.AUTO.enabled(true, Map.of("NO_COLOR", "")), "an empty NO_COLOR is unset (no-color.org)");
    assertFalse(ColorMode.AUTO.enabled(true, Map.of("TERM", "dumb")));
    assertTrue(ColorMode.ALWAYS.enabled(false, Map.of("NO_COLOR", "1")));
    assertFalse(ColorMode.NEVER.enabled(true, Map.of()));
    assertEquals(ColorMode.NEVER, ColorMode.parse("never"));
    assertThrows(IllegalArgumentException.class, () -> ColorMode.parse("sometimes"));
  }

  @Test
  void plainStyleNeverEmitsEscapes() {
    Style plain = Style.plain();
    assertEquals("running", plain.state("running"));
    assertEquals("deny", plain.decision("deny"));
    assertEquals("\u001b[31mdeny\u001b[0m", Style.ansi().decision("deny"));
    assertEquals("deny", Style.strip(Style.ansi().decision("deny")));
  }
}

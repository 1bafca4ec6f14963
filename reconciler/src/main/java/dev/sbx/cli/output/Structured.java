package dev.sbx.cli.output;

import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.schema.JsonSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON and YAML renderings of the same {@link JsonNode}, so {@code -o json} and {@code -o yaml}
 * always carry the same fields. YAML is written by snakeyaml-engine (already on the classpath for
 * the manifest loader) in block style with the JSON schema, so {@code "1"} stays a string and
 * {@code null} stays null when read back.
 */
public final class Structured {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Structured() {}

  /** Pretty-printed JSON with a final line break. */
  public static String json(JsonNode node) {
    return node.toPrettyString() + "\n";
  }

  public static String yaml(JsonNode node) {
    DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setSchema(new JsonSchema())
        .setIndent(2).setSplitLines(false).build();
    Object plain = JSON.convertValue(node, Object.class);
    if (plain instanceof java.util.List<?> list && list.isEmpty()) {
      return "[]\n";
    }
    if (plain instanceof Map<?, ?> map && map.isEmpty()) {
      return "{}\n";
    }
    return new Dump(settings).dumpToString(plain);
  }
}

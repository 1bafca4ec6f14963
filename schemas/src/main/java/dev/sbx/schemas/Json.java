package dev.sbx.schemas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Small readers over schema-validated JSON trees: absent or null reads as null/empty. */
final class Json {
  private Json() {}

  static boolean present(JsonNode node) {
    return node != null && !node.isMissingNode() && !node.isNull();
  }

  /** Text of a scalar; numbers and booleans as YAML wrote them; null when absent. */
  static String text(JsonNode node) {
    if (!present(node) || node.isContainer()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue().toString();
    }
    if (node.isNumber()) {
      double d = node.asDouble();
      return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) + ".0"
          : Double.toString(d);
    }
    return node.asString();
  }

  static String text(JsonNode parent, String field) {
    return parent == null ? null : text(parent.get(field));
  }

  static boolean bool(JsonNode parent, String field) {
    JsonNode n = parent == null ? null : parent.get(field);
    return present(n) && n.asBoolean();
  }

  static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (present(node)) {
      for (JsonNode item : node) {
        out.add(text(item));
      }
    }
    return out;
  }

  static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (present(node)) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String v = text(e.getValue());
        out.put(e.getKey(), v == null ? "" : v);
      }
    }
    return out;
  }

  /** A JSON object as nested Java maps, lists and strings (credentialFile.structure). */
  static Object plain(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (present(e.getValue())) {
          out.put(e.getKey(), plain(e.getValue()));
        }
      }
      return out;
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>();
      for (JsonNode item : node) {
        out.add(present(item) ? plain(item) : "");
      }
      return out;
    }
    return text(node);
  }
}

package dev.sbx.schemas;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.sbx.schemas.model.Positions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates documents against the JSON Schemas shipped in this module (2020-12) and turns each
 * schema error into a {@link dev.sbx.schemas.model.Problem} at the offending node's line:column.
 */
final class SchemaValidator {
  /** The shipped schemas; the file names are also their {@code $id} tails and the docs/ copies. */
  enum Kind {
    KIT_V1("kit-v1.schema.json"),
    KIT_V2("kit-v2.schema.json"),
    SANDBOX("sandbox.schema.json"),
    NETWORK_POLICY("networkpolicy.schema.json");

    final String resource;

    Kind(String resource) {
      this.resource = resource;
    }
  }

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Map<Kind, Schema> SCHEMAS = load();
  private static final Map<Kind, JsonNode> DOCUMENTS = documents();

  private SchemaValidator() {}

  private static Map<Kind, Schema> load() {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    Map<Kind, Schema> schemas = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      schemas.put(kind, registry.getSchema(schemaNode(kind)));
    }
    return schemas;
  }

  private static Map<Kind, JsonNode> documents() {
    Map<Kind, JsonNode> docs = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      docs.put(kind, schemaNode(kind));
    }
    return docs;
  }

  /** The schema document itself (for tests and for {@code sbx kit schema}). */
  static JsonNode schemaNode(Kind kind) {
    try (InputStream in = SchemaValidator.class.getResourceAsStream(kind.resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + kind.resource);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds one problem per schema error (at most one per instance location) to {@code problems}. */
  static void validate(Kind kind, JsonNode document, Problems problems) {
    List<Error> errors = SCHEMAS.get(kind).validate(document);
    Map<String, Error> firstPerPointer = new LinkedHashMap<>();
    for (Error error : errors) {
      String pointer = pointerOf(error);
      // oneOf/anyOf report every failed branch; the branch errors below them say more.
      if ("oneOf".equals(error.getKeyword()) || "anyOf".equals(error.getKeyword())) {
        pointer = pointer + "#" + error.getKeyword();
      }
      firstPerPointer.putIfAbsent(pointer, error);
    }
    List<String> reported = new ArrayList<>();
    for (Map.Entry<String, Error> e : firstPerPointer.entrySet()) {
      String pointer = e.getKey();
      String keyword = e.getValue().getKeyword();
      String prefix = (pointer.contains("#") ? pointer.substring(0, pointer.indexOf('#')) : pointer)
          + "/";
      // A type mismatch of one oneOf branch is noise when a deeper error explains the value.
      if (("type".equals(keyword) || "oneOf".equals(keyword) || "anyOf".equals(keyword))
          && firstPerPointer.keySet().stream().anyMatch(p -> p.startsWith(prefix))) {
        continue;
      }
      if (pointer.contains("#")) {
        String base = pointer.substring(0, pointer.indexOf('#'));
        if (firstPerPointer.keySet().stream().anyMatch(p -> !p.contains("#") && p.startsWith(base))) {
          continue;
        }
        pointer = base;
      }
      reported.add(pointer);
      String description = description(kind, e.getValue());
      problems.error(pointer, message(e.getValue(), pointer, description),
          hint(e.getValue(), description));
    }
  }

  private static String pointerOf(Error error) {
    StringBuilder sb = new StringBuilder();
    NodePath path = error.getInstanceLocation();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      sb.append('/').append(element instanceof Integer n ? n.toString()
          : Positions.escape(String.valueOf(element)));
    }
    String property = error.getProperty();
    if (property != null && ("additionalProperties".equals(error.getKeyword())
        || "unevaluatedProperties".equals(error.getKeyword())
        || "propertyNames".equals(error.getKeyword()))) {
      sb.append('/').append(Positions.escape(property));
    }
    return sb.toString();
  }

  /** The {@code description} of the schema object that raised the error, if it has one. */
  private static String description(Kind kind, Error error) {
    NodePath fragment = error.getSchemaLocation() == null ? null
        : error.getSchemaLocation().getFragment();
    if (fragment == null) {
      return null;
    }
    JsonNode root = DOCUMENTS.get(kind);
    JsonNode node = root;
    // pattern: the description sits beside the keyword; propertyNames: inside (maybe a $ref).
    int depth = "propertyNames".equals(error.getKeyword()) ? fragment.getNameCount()
        : fragment.getNameCount() - 1;
    for (int i = 0; i < depth && node != null; i++) {
      Object element = fragment.getElement(i);
      node = element instanceof Integer n ? node.get(n) : node.get(String.valueOf(element));
    }
    if (node != null && node.has("$ref") && node.get("$ref").asString().startsWith("#/")) {
      node = root.at(node.get("$ref").asString().substring(1));
    }
    JsonNode description = node == null || node.isMissingNode() ? null : node.get("description");
    return description == null ? null : description.asString();
  }

  /** {@code allow[1]} for {@code /permissions/network/allow/1}; the last key otherwise. */
  static String label(String pointer) {
    if (pointer.isEmpty()) {
      return "document";
    }
    String[] parts = pointer.substring(1).split("/");
    StringBuilder suffix = new StringBuilder();
    int i = parts.length - 1;
    while (i > 0 && parts[i].matches("[0-9]+")) {
      suffix.insert(0, "[" + parts[i] + "]");
      i--;
    }
    return parts[i].replace("~1", "/").replace("~0", "~") + suffix;
  }

  private static String message(Error error, String pointer, String description) {
    String keyword = error.getKeyword();
    String where = label(pointer);
    if (("pattern".equals(keyword) || "propertyNames".equals(keyword)) && description != null) {
      JsonNode value = error.getInstanceNode();
      String shown = "propertyNames".equals(keyword) ? error.getProperty()
          : value == null ? "" : value.asString();
      return "'" + where + "': '" + shown + "' is not valid: expected " + description;
    }
    if ("additionalProperties".equals(keyword)) {
      return "unknown key '" + error.getProperty() + "'";
    }
    if ("required".equals(keyword)) {
      return "missing required key '" + error.getProperty() + "'";
    }
    String text = error.getMessage();
    // networknt prefixes its messages with the instance location; the line:col already says it.
    int colon = text.indexOf(": ");
    if (text.startsWith("/") || text.startsWith("$")) {
      text = colon > 0 ? text.substring(colon + 2) : text;
    }
    return "'" + where + "': " + text;
  }

  private static String hint(Error error, String description) {
    return switch (error.getKeyword() == null ? "" : error.getKeyword()) {
      case "additionalProperties" -> "check the spelling; see docs/schemas for the keys this"
          + " schemaVersion accepts";
      case "pattern", "propertyNames" -> description != null ? null
          : "the value must match the pattern";
      case "type" -> "quote the value if it is text, or fix its type";
      default -> null;
    };
  }
}

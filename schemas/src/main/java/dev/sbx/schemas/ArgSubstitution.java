package dev.sbx.schemas;

import static dev.sbx.schemas.Json.present;
import static dev.sbx.schemas.Json.text;

import dev.sbx.schemas.model.Positions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Resolves a kit's {@code args:} and substitutes {@code ${{ kit.args.NAME }}} into every string
 * and key of the spec (the {@code args} block itself excepted).
 *
 * <p>Upstream substitutes the text before decoding; sbx substitutes into the parsed tree, so a
 * value can never change the YAML structure and every position stays exact.
 */
final class ArgSubstitution {
  /** Any {@code ${{ ... }}} expression. */
  static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{(.*?)}}");

  private static final Pattern ARG_REF = Pattern.compile("\\s*kit\\.args\\.([A-Za-z0-9_-]+)\\s*");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Problems problems;
  private final Map<String, String> values;
  /** In files/ other expressions are left alone: a GitHub workflow uses ${{ secrets.X }}. */
  private final boolean leaveOtherExpressions;

  private ArgSubstitution(Problems problems, Map<String, String> values,
      boolean leaveOtherExpressions) {
    this.problems = problems;
    this.values = values;
    this.leaveOtherExpressions = leaveOtherExpressions;
  }

  /**
   * Resolves the args and returns the substituted tree.
   *
   * @param given values from {@code --kit-arg KIT.NAME=VALUE} for this kit
   * @param strict true: a required arg without a value is an error (else a warning and "")
   */
  static JsonNode apply(JsonNode root, Problems problems, Map<String, String> given,
      boolean strict) {
    Map<String, String> values = resolve(root.get("args"), problems, given, strict);
    return new ArgSubstitution(problems, values, false).walk(root, "");
  }

  /** The resolved values (for substituting into files/ too). */
  static Map<String, String> resolve(JsonNode args, Problems problems, Map<String, String> given,
      boolean strict) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : given.keySet()) {
      if (!present(args) || !args.has(name)) {
        problems.error("/args", "--kit-arg " + name + " is not an arg of this kit",
            present(args) ? "declared args: " + String.join(", ", args.propertyNames())
                : "this kit declares no args");
      }
    }
    if (!present(args) || !args.isObject()) {
      return values;
    }
    for (Map.Entry<String, JsonNode> e : args.properties()) {
      String name = e.getKey();
      JsonNode decl = e.getValue();
      String pointer = Positions.child("/args", name);
      String value = given.get(name);
      String source = "--kit-arg " + name;
      if (value == null && decl.isObject() && present(decl.get("default"))) {
        value = text(decl.get("default"));
        source = "the default";
        pointer = pointer + "/default";
      }
      if (value == null) {
        boolean required = decl.isObject() && decl.path("required").asBoolean(false);
        if (required) {
          String message = "arg '" + name + "' is required and has no value";
          String hint = "pass --kit-arg KIT." + name + "=VALUE";
          if (strict) {
            problems.error(pointer, message, hint);
          } else {
            problems.warn(pointer, message, hint);
          }
        }
        value = "";
      } else if (decl.isObject()) {
        check(decl, name, value, source, pointer, problems);
      }
      values.put(name, value);
    }
    return values;
  }

  private static void check(JsonNode decl, String name, String value, String source,
      String pointer, Problems problems) {
    List<String> allowed = Json.strings(decl.get("enum"));
    if (!allowed.isEmpty() && !allowed.contains(value)) {
      problems.error(pointer, "arg '" + name + "' = '" + value + "' (from " + source
          + ") is not one of " + allowed, "use one of the listed values");
    }
    String pattern = text(decl, "pattern");
    if (pattern != null) {
      try {
        // Go's MatchString semantics: unanchored unless the pattern anchors itself.
        if (!Pattern.compile(pattern).matcher(value).find()) {
          problems.error(pointer, "arg '" + name + "' = '" + value + "' (from " + source
              + ") does not match pattern " + pattern, "pass a value that matches the pattern");
        }
      } catch (PatternSyntaxException ex) {
        problems.error(Positions.child("/args", name) + "/pattern",
            "arg '" + name + "' has an invalid pattern: " + ex.getDescription(),
            "fix the regular expression");
      }
    }
  }

  private JsonNode walk(JsonNode node, String pointer) {
    if (node.isString()) {
      String s = node.asString();
      return s.contains("${{") ? NODES.stringNode(substitute(s, pointer)) : node;
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      int i = 0;
      for (JsonNode item : node) {
        out.add(walk(item, pointer + "/" + i++));
      }
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = NODES.objectNode();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String childPointer = Positions.child(pointer, e.getKey());
        if (childPointer.equals("/args")) {
          out.set(e.getKey(), e.getValue());
          continue;
        }
        String key = e.getKey().contains("${{") ? substitute(e.getKey(), childPointer) : e.getKey();
        out.set(key, walk(e.getValue(), childPointer));
      }
      return out;
    }
    return node;
  }

  String substitute(String text, String pointer) {
    Matcher m = EXPRESSION.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      Matcher ref = ARG_REF.matcher(m.group(1));
      String replacement = m.group();
      if (!ref.matches()) {
        if (!leaveOtherExpressions) {
          problems.error(pointer, "unsupported expression " + m.group(),
              "only ${{ kit.args.NAME }} is supported");
        }
      } else if (!values.containsKey(ref.group(1))) {
        problems.error(pointer, "unknown arg '" + ref.group(1) + "' in " + m.group(),
            values.isEmpty() ? "declare it under args:" : "declared args: "
                + String.join(", ", values.keySet()));
      } else {
        replacement = values.get(ref.group(1));
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Substitutes into free text (a files/ artifact), reporting against that file. */
  static String substituteText(String text, Map<String, String> values, Problems problems,
      String pointer) {
    return new ArgSubstitution(problems, values, true).substitute(text, pointer);
  }
}

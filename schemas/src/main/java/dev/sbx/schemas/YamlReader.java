package dev.sbx.schemas;

import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.Problem;
import dev.sbx.schemas.model.SourceFile;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads YAML strictly: UTF-8 only, a size limit, no tabs in indentation, no duplicate keys, no
 * custom tags, and aliases may not expand the document past a node budget (billion laughs).
 * YAML 1.2 core schema, so {@code yes} stays a string. Every node keeps its line:column.
 */
final class YamlReader {
  /** Kit specs are a few KiB; the largest real one is under 20 KiB. */
  static final long DEFAULT_MAX_BYTES = 1L << 20;

  /** Nodes one document may expand to, aliases included. */
  static final int MAX_NODES = 100_000;

  private static final int MAX_DEPTH = 64;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final long maxBytes;

  YamlReader(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  List<YamlDocument> read(SourceFile file) {
    byte[] bytes;
    try {
      long size = Files.size(file.path());
      if (size > maxBytes) {
        throw fail(file, Position.START, "file is " + size + " bytes, over the limit of " + maxBytes
            + " bytes", "a manifest is small text; check that this is the right file");
      }
      bytes = Files.readAllBytes(file.path());
    } catch (IOException e) {
      throw fail(file, Position.START, "cannot read file: " + e.getMessage(), null);
    }
    return read(file, bytes);
  }

  List<YamlDocument> read(SourceFile file, byte[] bytes) {
    if (bytes.length > maxBytes) {
      throw fail(file, Position.START, "file is " + bytes.length + " bytes, over the limit of "
          + maxBytes + " bytes", "a manifest is small text; check that this is the right file");
    }
    String text = decodeUtf8(file, bytes);
    if (text.isBlank() || (text.length() < 4096 && onlyComments(text))) {
      throw fail(file, Position.START, "file is empty", "a kit spec starts with schemaVersion: \"2\"");
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(file.displayName())
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(1_000)
            .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, maxBytes + 1))
            .setUseMarks(true)
            .build();
    List<Node> nodes = new ArrayList<>();
    try {
      for (Node node : new Compose(settings).composeAllFromString(text)) {
        nodes.add(node);
      }
    } catch (MarkedYamlEngineException e) {
      throw syntaxError(file, text, e);
    } catch (ReaderException e) {
      throw fail(file, positionOfCodePoint(text, e.getPosition()),
          String.format("control character U+%04X is not allowed in YAML", e.getCodePoint()),
          "remove it, or write it as an escape inside a double-quoted string");
    } catch (YamlEngineException e) {
      throw fail(file, Position.START, "invalid YAML: " + e.getMessage(), null);
    }
    if (nodes.isEmpty()) {
      throw fail(file, Position.START, "file is empty", "a kit spec starts with schemaVersion: \"2\"");
    }
    List<YamlDocument> docs = new ArrayList<>();
    List<int[]> scalarLines = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Converter converter = new Converter(file, scalarLines);
      JsonNode root = converter.convert(nodes.get(i), "", 0);
      docs.add(new YamlDocument(file, i, root, new Positions(converter.positions)));
    }
    if (text.indexOf('\t') >= 0) {
      rejectTabIndentation(file, text, scalarLines);
    }
    return docs;
  }

  /** Line:column of the code point at this index (the reader counts code points). */
  private static Position positionOfCodePoint(String text, int codePointIndex) {
    int line = 1;
    int column = 1;
    int index = 0;
    for (int i = 0; i < text.length() && index < codePointIndex; index++) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new Position(line, column);
  }

  private static boolean onlyComments(String text) {
    for (String line : text.split("\n", -1)) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#") && !t.equals("---") && !t.equals("...")) {
        return false;
      }
    }
    return true;
  }

  /** Strict UTF-8: the first bad byte is reported with its line and column. A BOM is dropped. */
  private static String decodeUtf8(SourceFile file, byte[] bytes) {
    int bad = firstInvalidUtf8(bytes);
    if (bad >= 0) {
      String before = new String(bytes, 0, bad, StandardCharsets.UTF_8);
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < before.length(); i++) {
        if (before.charAt(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw fail(file, new Position(line, before.length() - lineStart + 1),
          String.format("file is not UTF-8: invalid byte 0x%02x", bytes[bad] & 0xff),
          "save the file as UTF-8");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  static int firstInvalidUtf8(byte[] b) {
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      int extra;
      int min;
      if (c < 0x80) {
        i++;
        continue;
      } else if (c >= 0xc2 && c <= 0xdf) {
        extra = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        extra = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        extra = 3;
        min = 0x10000;
      } else {
        return i;
      }
      int cp = c & (0x3f >> extra);
      for (int k = 1; k <= extra; k++) {
        if (i + k >= b.length || (b[i + k] & 0xc0) != 0x80) {
          return i;
        }
        cp = (cp << 6) | (b[i + k] & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return i;
      }
      i += extra + 1;
    }
    return -1;
  }

  private static ManifestException syntaxError(
      SourceFile file, String text, MarkedYamlEngineException e) {
    Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
    String said = String.valueOf(e.getProblem());
    if ((said.contains("end of stream") || said.contains("<stream end>"))
        && e.getContextMark().isPresent()) {
      // Running off the end is reported after the last line; where the construct opened says more.
      mark = e.getContextMark();
    }
    int line = mark.map(m -> m.getLine() + 1).orElse(1);
    int column = mark.map(m -> m.getColumn() + 1).orElse(1);
    String[] lines = text.split("\n", -1);
    int lastText = lines.length;
    while (lastText > 1 && lines[lastText - 1].isBlank()) {
      lastText--;
    }
    if (line > lastText) {
      // Past the last line: the construct left open there is the one to fix.
      line = lastText;
      column = 1;
    }
    // A tab before the failing token is the usual cause; name it instead of the parser's words.
    for (int l = Math.min(line, lines.length); l >= Math.max(1, line - 1); l--) {
      int tab = leadingTab(lines[l - 1]);
      if (tab >= 0) {
        return fail(file, new Position(l, tab + 1), "tab character in indentation",
            "YAML indents with spaces only; replace the tab with spaces");
      }
    }
    String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
    String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
    return fail(file, new Position(line, column), "invalid YAML: " + problem + context,
        "check the indentation and quoting on this line and the one before");
  }

  /** Column (0-based) of a tab within the leading whitespace, or -1. */
  private static int leadingTab(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\t') {
        return i;
      }
      if (c != ' ') {
        return -1;
      }
    }
    return -1;
  }

  /** Tabs that indent a line outside any scalar (block scalars may hold tabs, e.g. a Makefile). */
  private static void rejectTabIndentation(SourceFile file, String text, List<int[]> scalarLines) {
    String[] lines = text.split("\n", -1);
    for (int l = 0; l < lines.length; l++) {
      int tab = leadingTab(lines[l]);
      if (tab < 0) {
        continue;
      }
      boolean insideScalar = false;
      for (int[] range : scalarLines) {
        if (l > range[0] && l <= range[1]) {
          insideScalar = true;
          break;
        }
      }
      if (!insideScalar) {
        throw fail(file, new Position(l + 1, tab + 1), "tab character in indentation",
            "YAML indents with spaces only; replace the tab with spaces");
      }
    }
  }

  static ManifestException fail(SourceFile file, Position at, String message, String hint) {
    return new ManifestException(new Problem(file, at, "", message, hint));
  }

  /** Node graph to JSON tree, with positions, duplicate-key and expansion checks. */
  private static final class Converter {
    private final SourceFile file;
    private final List<int[]> scalarLines;
    private final Map<String, Position> positions = new LinkedHashMap<>();
    private int budget = MAX_NODES;

    Converter(SourceFile file, List<int[]> scalarLines) {
      this.file = file;
      this.scalarLines = scalarLines;
    }

    JsonNode convert(Node node, String pointer, int depth) {
      Position at = position(node);
      positions.putIfAbsent(pointer, at);
      if (--budget < 0) {
        throw fail(file, at, "document expands to more than " + MAX_NODES
            + " nodes through aliases", "remove the alias chain (a 'billion laughs' document?)");
      }
      if (depth > MAX_DEPTH) {
        throw fail(file, at, "document nests deeper than " + MAX_DEPTH + " levels",
            "flatten the structure; recursive aliases are not allowed");
      }
      if (node instanceof ScalarNode scalar) {
        node.getEndMark().ifPresent(end -> {
          if (end.getLine() > at.line() - 1) {
            scalarLines.add(new int[] {at.line() - 1, end.getLine()});
          }
        });
        return scalar(scalar, at, pointer);
      }
      if (node instanceof SequenceNode seq) {
        ArrayNode array = NODES.arrayNode();
        int i = 0;
        for (Node item : seq.getValue()) {
          array.add(convert(item, Positions.child(pointer, i++), depth + 1));
        }
        return array;
      }
      if (node instanceof MappingNode map) {
        ObjectNode object = NODES.objectNode();
        Map<String, Position> seen = new HashMap<>();
        for (NodeTuple tuple : map.getValue()) {
          Node keyNode = tuple.getKeyNode();
          Position keyAt = position(keyNode);
          if (!(keyNode instanceof ScalarNode key)) {
            throw fail(file, keyAt, "a mapping key must be a plain value, not a list or mapping",
                null);
          }
          String name = key.getValue();
          Position first = seen.putIfAbsent(name, keyAt);
          if (first != null) {
            throw new ManifestException(new Problem(file, keyAt, Positions.child(pointer, name),
                "duplicate key '" + name + "' (first at line " + first.line() + ")",
                "remove one of them; YAML keys must be unique in a mapping"));
          }
          String childPointer = Positions.child(pointer, name);
          positions.put(childPointer, keyAt);
          object.set(name, convert(tuple.getValueNode(), childPointer, depth + 1));
          positions.put(childPointer, keyAt);
        }
        return object;
      }
      throw new IllegalStateException("unexpected YAML node " + node.getNodeType());
    }

    private JsonNode scalar(ScalarNode scalar, Position at, String pointer) {
      Tag tag = scalar.getTag();
      String value = scalar.getValue();
      if (tag.equals(Tag.STR)) {
        return NODES.stringNode(value);
      }
      if (tag.equals(Tag.NULL)) {
        return NODES.nullNode();
      }
      if (tag.equals(Tag.BOOL)) {
        return NODES.booleanNode(value.equalsIgnoreCase("true"));
      }
      if (tag.equals(Tag.INT)) {
        try {
          String v = value.replace("_", "");
          BigInteger n;
          if (v.startsWith("0x")) {
            n = new BigInteger(v.substring(2), 16);
          } else if (v.startsWith("0o")) {
            n = new BigInteger(v.substring(2), 8);
          } else {
            n = new BigInteger(v.startsWith("+") ? v.substring(1) : v);
          }
          return n.bitLength() < 63 ? NODES.numberNode(n.longValue()) : NODES.numberNode(n);
        } catch (NumberFormatException e) {
          return NODES.stringNode(value);
        }
      }
      if (tag.equals(Tag.FLOAT)) {
        String v = value.toLowerCase(java.util.Locale.ROOT);
        if (v.endsWith(".inf") || v.endsWith(".nan")) {
          throw fail(file, at, "'" + value + "' is not a finite number", "quote it if it is text");
        }
        try {
          return NODES.numberNode(Double.parseDouble(value));
        } catch (NumberFormatException e) {
          return NODES.stringNode(value);
        }
      }
      throw new ManifestException(new Problem(file, at, pointer,
          "unsupported YAML tag " + tag.getValue(), "remove the tag; sbx reads plain YAML only"));
    }

    private static Position position(Node node) {
      return node.getStartMark()
          .map(m -> new Position(m.getLine() + 1, m.getColumn() + 1))
          .orElse(Position.START);
    }
  }
}

package dev.sbx.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code -o table|json|yaml} for listing commands: JSON pretty-printed, YAML in block style with the
 * same keys and values (the JSON document, so both are equally stable), and aligned tables
 * (each column as wide as its widest cell, two spaces apart; no colour, so output pipes cleanly).
 */
final class Output {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Format { TABLE, JSON, YAML }

  private Output() {}

  static Format parse(String text) {
    return switch (text) {
      case "table" -> Format.TABLE;
      case "json" -> Format.JSON;
      case "yaml" -> Format.YAML;
      default -> throw new CliFailure("-o must be table, json or yaml, not '" + text + "'", ExitCodes.INVALID_INPUT);
    };
  }

  /** Prints a document as JSON or YAML. */
  static void document(PrintWriter out, JsonNode node, Format format) {
    if (format == Format.YAML) {
      out.print(yaml(node));
    } else {
      out.println(node.toPrettyString());
    }
    out.flush();
  }

  static String yaml(JsonNode node) {
    Object plain = JSON.convertValue(node, new TypeReference<Object>() {});
    DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
        .setIndicatorIndent(0).build();
    return new Dump(settings).dumpToString(plain == null ? Map.of() : plain);
  }

  /** An aligned table: a header row, then rows; {@code null} cells print as {@code -}. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    Table row(Object... cells) {
      String[] r = new String[cells.length];
      for (int i = 0; i < cells.length; i++) {
        r[i] = cells[i] == null || cells[i].toString().isEmpty() ? "-" : cells[i].toString();
      }
      rows.add(r);
      return this;
    }

    int size() {
      return rows.size() - 1;
    }

    String render(boolean header) {
      int cols = rows.get(0).length;
      int[] width = new int[cols];
      for (String[] r : rows) {
        for (int i = 0; i < cols; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      StringBuilder sb = new StringBuilder();
      for (int k = header ? 0 : 1; k < rows.size(); k++) {
        String[] r = rows.get(k);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cols; i++) {
          line.append(r[i]);
          if (i < cols - 1) {
            line.append(" ".repeat(width[i] - r[i].length() + 2));
          }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
      }
      return sb.toString();
    }

    void print(PrintWriter out) {
      out.print(render(true));
      out.flush();
    }
  }
}

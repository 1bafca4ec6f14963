package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What the GitOps commands ({@code source}, {@code status}, {@code events}, {@code suspend},
 * {@code resume}) share: the daemon of the state directory (started on demand: it is the
 * controller), one call with the answer's errors mapped to exit codes (unknown source or bad
 * option 2, daemon trouble 5), and {@code -o json|yaml} output.
 */
final class GitOpsCli {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Format { text, json, yaml }

  private final ApiClient client;
  private final Path stateDir;

  private GitOpsCli(ApiClient client, Path stateDir) {
    this.client = client;
    this.stateDir = stateDir;
  }

  static GitOpsCli connect(SbxLocations locations) {
    Path dir = locations.daemonStateDir();
    return new GitOpsCli(DaemonLauncher.connect(dir), dir);
  }

  ApiClient client() {
    return client;
  }

  /** The answer's body when the status is 2xx; otherwise a {@link CliFailure} with its message. */
  JsonNode call(String method, String path, String body) {
    ApiClient.Reply reply;
    try {
      reply = client.call(method, path, body);
    } catch (IOException e) {
      throw unreachable(e);
    }
    if (reply.status() / 100 == 2) {
      return reply.body();
    }
    JsonNode b = reply.body();
    String message = b != null && b.has("error") ? b.get("error").asString() : "the daemon answered " + reply.status();
    int code = switch (reply.status()) {
      case 400, 404, 409 -> ExitCodes.INVALID_INPUT;
      default -> ExitCodes.ENVIRONMENT;
    };
    throw new CliFailure(message, code);
  }

  CliFailure unreachable(IOException e) {
    return new CliFailure("the sbx daemon failed to answer on " + client.socket() + ": " + e.getMessage() + "; see "
        + stateDir.resolve("daemon.log"), ExitCodes.ENVIRONMENT);
  }

  /** Prints {@code node} as JSON (pretty) or YAML. */
  static void print(JsonNode node, Format format, PrintWriter out) {
    if (format == Format.yaml) {
      Object plain = JSON.treeToValue(node, Object.class);
      DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build();
      out.print(new Dump(settings).dumpToString(plain));
    } else {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }
    out.flush();
  }

  /** A column table: left-aligned, two spaces apart. */
  static String table(java.util.List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        line.append(i == cols - 1 ? r[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", r[i]));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  static String shortRevision(String rev) {
    return rev.length() > 12 && !rev.startsWith("sha256:") ? rev.substring(0, 12)
        : rev.startsWith("sha256:") && rev.length() > 19 ? rev.substring(0, 19) : rev.isEmpty() ? "-" : rev;
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asString();
  }
}

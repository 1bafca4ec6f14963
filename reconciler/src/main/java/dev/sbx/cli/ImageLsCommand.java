package dev.sbx.cli;

import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageJson;
import dev.sbx.vm.image.store.ImageRecord;
import dev.sbx.vm.image.store.ImageStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code sbx image ls [-o table|json|yaml]}: stored images, one row per reference. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx image ls",
        "  sbx image ls -o yaml"},
    name = "ls", description = "List stored images.")
final class ImageLsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json|yaml",
      description = "output format (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() {
    if (!List.of("table", "json", "yaml").contains(output)) {
      spec.commandLine().getErr().println("sbx: -o must be table, json or yaml, not '" + output + "'");
      return ExitCodes.INVALID_INPUT;
    }
    try {
      ImageStore store = ImageStores.open();
      List<ImageRecord> images = store.list();
      var out = spec.commandLine().getOut();
      if (output.equals("table")) {
        out.print(table(store, images, Instant.now()));
        return 0;
      }
      ArrayNode array = new ObjectMapper().createArrayNode();
      for (ImageRecord image : images) {
        ObjectNode n = ImageJson.write(image);
        n.put("id", image.shortId());
        var users = n.putArray("usedBy");
        store.users(image.digest()).forEach(u -> users.add(u.sandbox()));
        array.add(n);
      }
      out.println(output.equals("json") ? array.toPrettyString() : yaml(array));
      return 0;
    } catch (ImageException e) {
      return ImageStores.fail(spec, e);
    }
  }

  static String table(ImageStore store, List<ImageRecord> images, Instant now) {
    var rows = new ArrayList<List<String>>();
    rows.add(List.of("REFERENCE", "IMAGE ID", "SIZE", "CREATED", "USED BY", "SOURCE"));
    for (ImageRecord image : images) {
      int users = store.users(image.digest()).size();
      List<String> refs = image.references().isEmpty() ? List.of("<none>") : image.references();
      for (String ref : refs) {
        rows.add(List.of(ref, image.shortId(), ImageStores.size(image.contentBytes()),
            ago(Duration.between(image.created(), now)), users == 0 ? "-" : users + " sandbox" + (users > 1 ? "es" : ""),
            image.source()));
      }
    }
    return align(rows);
  }

  /** Columns padded to their widest cell, two spaces apart; the last column unpadded. */
  static String align(List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    var text = new StringBuilder();
    for (List<String> row : rows) {
      var line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(i == columns - 1 ? row.get(i) : String.format("%-" + (width[i] + 2) + "s", row.get(i)));
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  static String ago(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " seconds ago";
    }
    if (s < 3600) {
      return s / 60 + " minutes ago";
    }
    if (s < 86400) {
      return s / 3600 + " hours ago";
    }
    return s / 86400 + " days ago";
  }

  private static String yaml(JsonNode tree) {
    var settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build();
    return new Dump(settings).dumpToString(plain(tree)).stripTrailing();
  }

  /** Jackson tree → Maps/Lists/scalars for the YAML emitter. */
  private static Object plain(JsonNode n) {
    if (n.isObject()) {
      var map = new LinkedHashMap<String, Object>();
      n.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (n.isArray()) {
      var list = new ArrayList<Object>();
      n.forEach(v -> list.add(plain(v)));
      return list;
    }
    if (n.isNumber()) {
      return n.asLong();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.isNull() ? null : n.asString();
  }
}

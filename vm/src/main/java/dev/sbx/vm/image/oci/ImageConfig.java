package dev.sbx.vm.image.oci;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What an image asks of the process that runs it (the {@code config} object of the OCI image
 * config): the user, environment, entrypoint, command, working directory and labels. Absent
 * values are empty strings, lists and maps, never {@code null}.
 */
public record ImageConfig(String user, List<String> env, List<String> entrypoint, List<String> cmd,
    String workingDir, Map<String, String> labels) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ImageConfig {
    user = user == null ? "" : user;
    env = List.copyOf(env == null ? List.of() : env);
    entrypoint = List.copyOf(entrypoint == null ? List.of() : entrypoint);
    cmd = List.copyOf(cmd == null ? List.of() : cmd);
    workingDir = workingDir == null ? "" : workingDir;
    labels = Map.copyOf(labels == null ? Map.of() : labels);
  }

  public static final ImageConfig EMPTY = new ImageConfig("", List.of(), List.of(), List.of(), "", Map.of());

  /** Reads the {@code config} object of an image config blob (OCI or Docker). */
  public static ImageConfig parse(byte[] configBlob) {
    JsonNode root;
    try {
      root = JSON.readTree(configBlob);
    } catch (RuntimeException e) {
      throw new OciException(OciException.Kind.UNSUPPORTED, "the image config is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode c = root.path("config");
    Map<String, String> labels = new LinkedHashMap<>();
    c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
    return new ImageConfig(text(c, "User"), strings(c.path("Env")), strings(c.path("Entrypoint")),
        strings(c.path("Cmd")), text(c, "WorkingDir"), labels);
  }

  /** The image's {@code os/architecture[/variant]} from the same blob. */
  static Platform platformOf(byte[] configBlob) {
    JsonNode root;
    try {
      root = JSON.readTree(configBlob);
    } catch (RuntimeException e) {
      throw new OciException(OciException.Kind.UNSUPPORTED, "the image config is not valid JSON: " + e.getMessage(), e);
    }
    return new Platform(root.path("os").asString("linux"), root.path("architecture").asString("amd64"),
        root.path("variant").asString(null));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isString() ? v.asString() : "";
  }

  private static List<String> strings(JsonNode array) {
    if (!array.isArray()) {
      return List.of();
    }
    return array.valueStream().map(JsonNode::asString).toList();
  }

  /** The environment as a map (later entries win, as in Docker). */
  public Map<String, String> envMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String e : env) {
      int eq = e.indexOf('=');
      m.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
    }
    return m;
  }
}

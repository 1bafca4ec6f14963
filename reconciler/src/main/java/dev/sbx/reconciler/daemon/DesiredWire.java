package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.compile.GuestPayload;
import dev.sbx.reconciler.desired.DesiredJson;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.SourceRef;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A desired state compiled by the CLI, sent to a daemon on another machine ({@code sbx diff|plan|apply
 * -f DIR --host URL}): the checkout is on the CI runner, not beside the daemon, so the CLI loads,
 * validates and compiles it (bad input is exit 2 before anything is sent) and sends the result.
 * Payloads (kit files, install and startup commands) travel only for {@code apply}: a plan needs
 * the hashes, not the bytes.
 *
 * <pre>
 * {"desired": {"source": {"id","revision"}, "sandboxes": [DesiredJson…], "loadErrors": […]},
 *  "payloads": {NAME: {"files": [{"guestPath","mode","content": base64}], "install": [cmd], "startup": [cmd]}},
 *  "source": "dir:/srv/gitops" (optional: which daemon source the checkout stands for),
 *  "prune", "allowEmptySource", "json", "exitCode", "dryRun"}
 * </pre>
 *
 * @param source the daemon-side source the checkout stands for; empty = let the daemon find it
 *     ({@link SourceAdoption})
 */
public record DesiredWire(DesiredState desired, Map<String, GuestPayload> payloads, Optional<String> source) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public DesiredWire {
    payloads = Map.copyOf(payloads);
  }

  /** The request body: this plus the flags of {@code request} ({@code dir} is not sent). */
  public String toJson(ReconcileRequest flags) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode d = root.putObject("desired");
    d.putObject("source").put("id", desired.source().id()).put("revision", desired.source().revision());
    ArrayNode sandboxes = d.putArray("sandboxes");
    desired.sandboxes().forEach(s -> sandboxes.add(DesiredJson.write(s)));
    DesiredJson.strings(d.putArray("loadErrors"), desired.loadErrors());
    ObjectNode p = root.putObject("payloads");
    payloads.forEach((name, payload) -> p.set(name, payload(payload)));
    source.ifPresent(s -> root.put("source", s));
    root.put("prune", flags.prune()).put("allowEmptySource", flags.allowEmptySource()).put("json", flags.json())
        .put("exitCode", flags.exitCode()).put("dryRun", flags.dryRun()).put("kitAllows", flags.kitAllows());
    return root.toString();
  }

  /** True when a {@code /v1/plan|apply} body carries a compiled state rather than a daemon-side {@code dir}. */
  static boolean carriedBy(JsonNode body) {
    return body.has("desired");
  }

  static DesiredWire read(JsonNode root) {
    JsonNode d = root.get("desired");
    JsonNode src = d.get("source");
    List<DesiredSandbox> sandboxes = new ArrayList<>();
    for (JsonNode s : d.path("sandboxes")) {
      sandboxes.add(DesiredJson.read(s));
    }
    DesiredState state = new DesiredState(new SourceRef(src.get("id").asString(), src.get("revision").asString()),
        sandboxes, DesiredJson.strings(d.path("loadErrors")));
    Map<String, GuestPayload> payloads = new LinkedHashMap<>();
    for (var e : root.path("payloads").properties()) {
      payloads.put(e.getKey(), readPayload(e.getValue()));
    }
    Optional<String> source = root.hasNonNull("source") ? Optional.of(root.get("source").asString()) : Optional.empty();
    return new DesiredWire(state, payloads, source);
  }

  private static ObjectNode payload(GuestPayload p) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode files = o.putArray("files");
    for (GuestPayload.File f : p.files()) {
      files.addObject().put("guestPath", f.guestPath()).put("mode", f.mode())
          .put("content", Base64.getEncoder().encodeToString(f.content()));
    }
    commands(o.putArray("install"), p.install());
    commands(o.putArray("startup"), p.startup());
    return o;
  }

  private static void commands(ArrayNode array, List<GuestPayload.Command> commands) {
    commands.forEach(c -> array.addObject().put("description", c.description()).put("shell", c.shell()).put("root", c.root()));
  }

  private static GuestPayload readPayload(JsonNode o) {
    List<GuestPayload.File> files = new ArrayList<>();
    for (JsonNode f : o.path("files")) {
      files.add(new GuestPayload.File(f.get("guestPath").asString(), Base64.getDecoder().decode(f.get("content").asString()),
          f.path("mode").asInt()));
    }
    return new GuestPayload(files, readCommands(o.path("install")), readCommands(o.path("startup")));
  }

  private static List<GuestPayload.Command> readCommands(JsonNode array) {
    List<GuestPayload.Command> out = new ArrayList<>();
    for (JsonNode c : array) {
      out.add(new GuestPayload.Command(c.path("description").asString(), c.get("shell").asString(), c.path("root").asBoolean()));
    }
    return out;
  }
}

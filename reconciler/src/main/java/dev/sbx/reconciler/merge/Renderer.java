package dev.sbx.reconciler.merge;

import dev.sbx.schemas.KitWriter;
import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.SandboxManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints effective kits and resolved sandboxes as YAML or JSON, plain or explained. A plain
 * effective kit is exactly the schemas module's canonical schemaVersion "2" document ({@link
 * KitWriter}); explained YAML adds a trailing comment per value; explained JSON is {@code
 * {"document": ..., "provenance": {pointer: text}, "files": {...}, "warnings": [...]}}.
 */
public final class Renderer {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** Output format. */
  public enum Format { YAML, JSON }

  private Renderer() {}

  public static String kit(EffectiveKit kit, Format format, boolean explain) {
    Map<String, Object> doc = KitWriter.toMap(kit.toKit());
    if (!explain) {
      return format == Format.YAML ? KitWriter.toYaml(kit.toKit()) : KitWriter.toJson(kit.toKit());
    }
    return explained(doc, kit.explanations(), kit, format, "");
  }

  public static String sandbox(ResolvedSandbox sandbox, Format format, boolean explain) {
    Map<String, Object> doc = sandboxDocument(sandbox);
    if (!explain) {
      // The explain writer without comments: plain and explained output differ only by comments
      // (and it is twice as fast as snakeyaml's emitter on these documents).
      return format == Format.YAML ? ExplainWriter.write(doc, Map.of())
          : JSON.writeValueAsString(doc) + "\n";
    }
    Map<String, String> comments = new LinkedHashMap<>();
    SandboxManifest s = sandbox.sandbox();
    comments.put("/metadata/name", "from " + Origin.of(sandbox.manifest(), "/metadata/name"));
    for (String field : List.of("agent", "kits", "workspace", "mounts", "resources", "secrets",
        "policy", "drift")) {
      comments.put("/spec/" + field, "from " + Origin.of(sandbox.manifest(), "/spec/" + field));
    }
    for (int i = 0; i < s.kits().size(); i++) {
      comments.put("/spec/kits/" + i, "from " + Origin.of(sandbox.manifest(), "/spec/kits/" + i));
    }
    sandbox.kit().explanations().forEach((p, text) -> comments.put("/spec/kit" + p, text));
    EffectiveEgress e = sandbox.egress();
    if (e.policy() != null) {
      comments.put("/spec/egress/policy", EffectiveKit.Explain.LAST_WINS.text(e.policy()));
      comments.put("/spec/egress/default", EffectiveKit.Explain.LAST_WINS.text(e.mode()));
    }
    rules(comments, "/spec/egress/allow", e.allow());
    rules(comments, "/spec/egress/deny", e.deny());
    return explained(doc, comments, sandbox.kit(), format, "sandbox " + s.name() + ": ");
  }

  /** The effective spec of one sandbox: the manifest's own fields, the kit, the egress. */
  static Map<String, Object> sandboxDocument(ResolvedSandbox sandbox) {
    SandboxManifest s = sandbox.sandbox();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("agent", s.agent());
    put(spec, "kits", s.kits());
    put(spec, "workspace", s.workspace());
    if (!s.mounts().isEmpty()) {
      List<Object> mounts = new ArrayList<>();
      for (SandboxManifest.Mount m : s.mounts()) {
        Map<String, Object> mount = new LinkedHashMap<>();
        mount.put("path", m.path());
        if (m.readOnly()) {
          mount.put("readOnly", true);
        }
        mounts.add(mount);
      }
      spec.put("mounts", mounts);
    }
    if (s.resources() != null) {
      Map<String, Object> r = new LinkedHashMap<>();
      put(r, "cpus", s.resources().cpus());
      put(r, "memory", s.resources().memory());
      put(spec, "resources", r);
    }
    put(spec, "secrets", s.secrets());
    put(spec, "policy", s.policy());
    spec.put("drift", s.drift().name().toLowerCase(java.util.Locale.ROOT));
    spec.put("kit", KitWriter.toMap(sandbox.kit().toKit()));
    EffectiveEgress e = sandbox.egress();
    Map<String, Object> egress = new LinkedHashMap<>();
    if (e.policy() != null) {
      egress.put("policy", e.policy().value());
      egress.put("default", e.mode().value().yamlName());
      egress.put("kitAllows", e.kitAllows().yamlName());
    }
    put(egress, "allow", e.activeAllows());
    List<String> inactive = e.allow().stream().filter(r -> !r.active()).map(EgressRule::pattern)
        .toList();
    put(egress, "inactiveAllow", inactive);
    put(egress, "deny", e.denies());
    spec.put("egress", egress);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "sbx/v1");
    doc.put("kind", "Sandbox");
    doc.put("metadata", Map.of("name", s.name()));
    doc.put("spec", spec);
    return doc;
  }

  private static void rules(Map<String, String> comments, String pointer, List<EgressRule> rules) {
    int active = 0;
    int inactive = 0;
    for (EgressRule r : rules) {
      String text = EffectiveKit.Explain.SET.text(r.rule())
          + (r.note() == null ? "" : "; " + r.note());
      if (r.active()) {
        comments.put(Positions.child(pointer, active++), text);
      } else {
        comments.put(Positions.child("/spec/egress/inactiveAllow", inactive++), text);
      }
    }
  }

  private static String explained(Map<String, Object> doc, Map<String, String> comments,
      EffectiveKit kit, Format format, String prefix) {
    Map<String, String> files = kit.fileExplanations();
    if (format == Format.JSON) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("document", doc);
      out.put("provenance", comments);
      put(out, "files", files);
      List<String> warnings = kit.warnings().stream().map(p -> p.headline()).toList();
      put(out, "warnings", warnings);
      return JSON.writeValueAsString(out) + "\n";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(prefix).append("stack (applied in this order):\n");
    for (StackMember m : kit.stack()) {
      sb.append("#   ").append(m.role().name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', '-')).append(' ').append(m.origin()).append('\n');
    }
    sb.append(ExplainWriter.write(doc, comments));
    if (!files.isEmpty()) {
      sb.append("# files (overlaid by target path, later wins):\n");
      files.forEach((key, text) -> sb.append("#   ").append(key).append("  ").append(text)
          .append('\n'));
    }
    return sb.toString();
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value == null || value instanceof List<?> l && l.isEmpty()
        || value instanceof Map<?, ?> mm && mm.isEmpty()) {
      return;
    }
    m.put(key, value);
  }
}

package dev.sbx.schemas;

import static dev.sbx.schemas.Json.present;
import static dev.sbx.schemas.Json.strings;
import static dev.sbx.schemas.Json.text;

import dev.sbx.schemas.model.LoadedManifest;
import dev.sbx.schemas.model.Manifest;
import dev.sbx.schemas.model.NetworkPolicyManifest;
import dev.sbx.schemas.model.Problem;
import dev.sbx.schemas.model.SandboxManifest;
import dev.sbx.schemas.model.SourceFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Loads sbx's own {@code apiVersion: sbx/v1} documents ({@code Sandbox}, {@code NetworkPolicy});
 * one file may hold several, separated by {@code ---}. All documents are checked before anything
 * is returned: one bad document fails the whole file (never apply half a file).
 */
public final class ManifestLoader {
  private final YamlReader yaml;

  public ManifestLoader(long maxFileBytes) {
    this.yaml = new YamlReader(maxFileBytes);
  }

  public static ManifestLoader defaults() {
    return new ManifestLoader(YamlReader.DEFAULT_MAX_BYTES);
  }

  public List<LoadedManifest> load(Path file) {
    return load(SourceFile.of(file));
  }

  public List<LoadedManifest> load(SourceFile file) {
    List<LoadedManifest> out = new ArrayList<>();
    List<Problem> errors = new ArrayList<>();
    for (YamlDocument doc : yaml.read(file)) {
      Problems problems = new Problems(file, doc.positions());
      Manifest manifest = read(doc.root(), problems);
      errors.addAll(problems.errors());
      if (manifest != null && !problems.hasErrors()) {
        out.add(new LoadedManifest(manifest, file, doc.index(), doc.positions()));
      }
    }
    if (!errors.isEmpty()) {
      throw new ManifestException(errors);
    }
    return out;
  }

  private static Manifest read(JsonNode root, Problems problems) {
    if (!root.isObject()) {
      problems.error("", "a manifest must be a mapping with apiVersion, kind, metadata, spec", null);
      return null;
    }
    if (!present(root.get("apiVersion"))) {
      if (present(root.get("schemaVersion"))) {
        problems.error("/schemaVersion", "this is a kit spec, not an sbx/v1 manifest",
            "reference the kit's directory from a Sandbox's spec.kits");
      } else {
        problems.error("", "apiVersion is missing", "start the document with apiVersion: sbx/v1");
      }
      return null;
    }
    if (!Manifest.API_VERSION.equals(text(root.get("apiVersion")))) {
      problems.error("/apiVersion", "unsupported apiVersion " + text(root.get("apiVersion")),
          "use apiVersion: sbx/v1");
      return null;
    }
    String kind = text(root.get("kind"));
    SchemaValidator.Kind schema;
    if ("Sandbox".equals(kind)) {
      schema = SchemaValidator.Kind.SANDBOX;
    } else if ("NetworkPolicy".equals(kind)) {
      schema = SchemaValidator.Kind.NETWORK_POLICY;
    } else {
      problems.error(present(root.get("kind")) ? "/kind" : "", "unknown kind " + kind,
          "sbx/v1 kinds are Sandbox and NetworkPolicy");
      return null;
    }
    SchemaValidator.validate(schema, root, problems);
    if (problems.hasErrors()) {
      return null;
    }
    String name = text(root.path("metadata"), "name");
    JsonNode spec = root.get("spec");
    if (schema == SchemaValidator.Kind.SANDBOX) {
      List<SandboxManifest.Mount> mounts = new ArrayList<>();
      for (JsonNode m : spec.path("mounts")) {
        mounts.add(new SandboxManifest.Mount(text(m, "path"), Json.bool(m, "readOnly")));
      }
      JsonNode r = spec.get("resources");
      String drift = text(spec, "drift");
      return new SandboxManifest(name, text(spec, "agent"), strings(spec.get("kits")),
          text(spec, "workspace"), mounts,
          present(r) ? new SandboxManifest.Resources(
              present(r.get("cpus")) ? r.get("cpus").asInt() : null, text(r, "memory")) : null,
          strings(spec.get("secrets")), text(spec, "policy"),
          drift == null ? null : SandboxManifest.Drift.valueOf(drift.toUpperCase(Locale.ROOT)));
    }
    String mode = text(spec, "default");
    NetworkPolicyManifest policy = new NetworkPolicyManifest(name,
        NetworkPolicyManifest.DefaultMode.valueOf(mode.toUpperCase(Locale.ROOT).replace('-', '_')),
        strings(spec.get("allow")), strings(spec.get("deny")), text(spec, "kitAllows"));
    for (int i = 0; i < policy.deny().size(); i++) {
      if (policy.allow().contains(policy.deny().get(i))) {
        problems.warn("/spec/deny/" + i, policy.deny().get(i) + " is both allowed and denied",
            "deny wins; remove it from allow");
      }
    }
    return policy;
  }
}

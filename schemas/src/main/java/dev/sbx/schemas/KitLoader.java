package dev.sbx.schemas;

import static dev.sbx.schemas.Json.present;
import static dev.sbx.schemas.Json.text;

import dev.sbx.schemas.model.ArtifactFile;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.Problem;
import dev.sbx.schemas.model.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loads one kit: a directory with {@code spec.yaml} (or {@code spec.yml}) and {@code files/}, or
 * a spec file directly. Pipeline: strict YAML → schemaVersion → (v2: reject v1 keys, substitute
 * args) → JSON Schema → fold v1 into the v2 layout → model → semantic checks → files/.
 *
 * <p>Every problem is a {@link ManifestException}; a bug is an {@link IllegalStateException}.
 * Thread-safe; one instance can load many kits.
 */
public final class KitLoader {
  private final KitLoadOptions options;
  private final YamlReader yaml;

  public KitLoader(KitLoadOptions options) {
    this.options = options;
    this.yaml = new YamlReader(options.maxSpecBytes());
  }

  public static KitLoader defaults() {
    return new KitLoader(KitLoadOptions.DEFAULTS);
  }

  /** Loads a resolved reference (see {@link KitSources}). */
  public LoadedKit load(ResolvedKit kit) {
    return load(kit.path(), kit.displayName());
  }

  /** Loads a kit directory or spec file; {@code path} is also how messages name the file. */
  public LoadedKit load(Path path) {
    return load(path, path.toString());
  }

  /**
   * Loads a kit directory or spec file.
   *
   * @param displayName how messages name the kit directory (e.g. its git reference)
   */
  public LoadedKit load(Path path, String displayName) {
    Path spec;
    Path root;
    String shownSpec;
    if (Files.isDirectory(path)) {
      root = path;
      spec = path.resolve("spec.yaml");
      if (!Files.exists(spec) && Files.exists(path.resolve("spec.yml"))) {
        spec = path.resolve("spec.yml");
      }
      shownSpec = displayName + "/" + spec.getFileName();
      if (!Files.isRegularFile(spec)) {
        throw new ManifestException(new Problem(new SourceFile(spec, shownSpec), Position.START, "",
            "no spec.yaml in kit directory " + displayName,
            "a kit is a directory holding spec.yaml (and optionally files/)"));
      }
    } else if (Files.isRegularFile(path)) {
      spec = path;
      root = path.toAbsolutePath().getParent();
      shownSpec = displayName;
    } else {
      throw new ManifestException(new Problem(new SourceFile(path, displayName), Position.START, "",
          "no such file or directory: " + displayName, "check the path"));
    }
    SourceFile file = new SourceFile(spec, shownSpec);
    List<YamlDocument> docs = yaml.read(file);
    if (docs.size() > 1) {
      throw new ManifestException(new Problem(file, docs.get(1).positions().nearest(""), "",
          "a kit spec holds one YAML document, this file has " + docs.size(),
          "remove the extra '---' documents"));
    }
    YamlDocument doc = docs.get(0);
    String shownRoot = shownSpec.contains("/")
        ? shownSpec.substring(0, shownSpec.lastIndexOf('/')) : ".";
    return load(doc, root, shownRoot);
  }

  private LoadedKit load(YamlDocument doc, Path root, String shownRoot) {
    Problems problems = new Problems(doc.file(), doc.positions());
    JsonNode tree = doc.root();
    if (!tree.isObject()) {
      problems.error("", "a kit spec must be a mapping of keys, not "
          + (tree.isArray() ? "a list" : tree.isString() ? "a string" : "a plain value"),
          "start with schemaVersion: \"2\"");
      problems.throwIfAny();
    }
    String version = schemaVersion(tree, problems);
    problems.throwIfAny();
    Positions positions = doc.positions();
    if (version.equals("2")) {
      V1KeysInV2.check(tree, problems);
      problems.throwIfAny();
      String name = text(tree, "name");
      Map<String, String> given = options.kitArgs().getOrDefault(name == null ? "" : name, Map.of());
      tree = ArgSubstitution.apply(tree, problems, given, options.strictArgs());
      problems.throwIfAny();
      SchemaValidator.validate(SchemaValidator.Kind.KIT_V2, tree, problems);
      problems.throwIfAny();
      ObjectNode v2 = (ObjectNode) tree;
      if (v2.has("publishedPorts")) {
        problems.warn("/publishedPorts", "publishedPorts is a transitional spelling", "use ports");
        positions = renamePorts(v2, positions);
        problems.usePositions(positions);
      }
      if (v2.path("sandbox").has("build")) {
        problems.warn("/sandbox/build", "sandbox.build is parsed but not used",
            "sbx runs sandbox.image; build the image separately");
      }
      if (v2.path("sandbox").has("persistence")) {
        problems.warn("/sandbox/persistence", "sandbox.persistence was never wired upstream",
            "sbx keeps it for rendering only; remove it");
      }
    } else {
      for (String flat : List.of("template", "binary", "runOptions", "aiFilename")) {
        if (tree.has(flat)) {
          problems.error("/" + flat, "flat '" + flat + "' is not accepted at the top level",
              "use the 'sandbox:' block instead (image, entrypoint.run, aiFilename)");
        }
      }
      problems.throwIfAny();
      SchemaValidator.validate(SchemaValidator.Kind.KIT_V1, tree, problems);
      problems.throwIfAny();
      problems.warn("/schemaVersion", "schemaVersion \"1\" is deprecated",
          "`sbx kit render` prints this kit as schemaVersion \"2\"");
      V1Folder.Folded folded = V1Folder.fold(tree, positions, problems);
      problems.throwIfAny();
      tree = folded.root();
      positions = folded.positions();
      problems.usePositions(positions);
    }
    if ("mixin".equals(text(tree, "kind")) && present(tree.get("sandbox"))) {
      problems.error("/sandbox", "a mixin cannot have a sandbox block",
          "use kind: sandbox, or move the settings into the sandbox kit");
      problems.throwIfAny();
    }
    Kit kit = V2Reader.read(tree);
    SemanticChecks.check(kit, problems);
    problems.throwIfAny();
    if (options.readFiles()) {
      Map<String, String> args = ArgSubstitution.resolve(doc.root().get("args"),
          new Problems(doc.file(), doc.positions()),
          options.kitArgs().getOrDefault(kit.name(), Map.of()), false);
      List<ArtifactFile> files = Artifacts.read(root, shownRoot, args, problems);
      problems.throwIfAny();
      kit = kit.withFiles(files);
    }
    return new LoadedKit(kit, doc.file(), root, positions, version, problems.warnings());
  }

  /** "1" or "2"; anything else is one clear error. */
  private static String schemaVersion(JsonNode tree, Problems problems) {
    JsonNode v = tree.get("schemaVersion");
    if (!present(v)) {
      if (tree.has("apiVersion")) {
        problems.error("/apiVersion", "this is an sbx/v1 manifest, not a kit spec",
            "kits are spec.yaml files with schemaVersion; load manifests with sbx apply/validate");
      } else {
        problems.error("", "schemaVersion is missing", "add schemaVersion: \"2\" as the first line");
      }
      return "";
    }
    String text = text(v);
    if (text.equals("1") || text.equals("2")) {
      return text;
    }
    if (text.equals("3")) {
      problems.error("/schemaVersion", "schemaVersion 3 is not supported yet",
          "sbx reads kit schemaVersion \"1\" and \"2\"; use the kit's spec.yaml (v2) if it has one");
    } else {
      problems.error("/schemaVersion", "unsupported schemaVersion " + text,
          "use schemaVersion: \"2\"");
    }
    return "";
  }

  /** publishedPorts (transitional) → ports, positions included. */
  private static Positions renamePorts(ObjectNode v2, Positions positions) {
    JsonNode published = v2.remove("publishedPorts");
    if (v2.has("ports")) {
      ((tools.jackson.databind.node.ArrayNode) v2.get("ports")).addAll(
          (tools.jackson.databind.node.ArrayNode) published);
    } else {
      v2.set("ports", published);
    }
    int offset = v2.get("ports").size() - published.size();
    Map<String, Position> moved = new java.util.LinkedHashMap<>(positions.asMap());
    for (Map.Entry<String, Position> e : positions.asMap().entrySet()) {
      String p = e.getKey();
      if (p.equals("/publishedPorts")) {
        moved.putIfAbsent("/ports", e.getValue());
      } else if (p.startsWith("/publishedPorts/")) {
        String rest = p.substring("/publishedPorts/".length());
        int slash = rest.indexOf('/');
        int index = Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
        moved.put("/ports/" + (index + offset) + (slash < 0 ? "" : rest.substring(slash)),
            e.getValue());
      }
    }
    return new Positions(moved);
  }
}

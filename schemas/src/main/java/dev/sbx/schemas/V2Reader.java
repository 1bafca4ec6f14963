package dev.sbx.schemas;

import dev.sbx.schemas.model.AgentInstructions;
import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Environment;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.KitArg;
import dev.sbx.schemas.model.KitKind;
import dev.sbx.schemas.model.Network;
import dev.sbx.schemas.model.Port;
import dev.sbx.schemas.model.SandboxBlock;
import dev.sbx.schemas.model.Setup;
import dev.sbx.schemas.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

import static dev.sbx.schemas.Json.bool;
import static dev.sbx.schemas.Json.present;
import static dev.sbx.schemas.Json.strings;
import static dev.sbx.schemas.Json.text;

/**
 * Builds the model from a schema-valid tree in the schemaVersion "2" layout (a v2 file, or a v1
 * file after {@link V1Folder}). Pure mapping: every check happened before or happens after.
 */
final class V2Reader {
  private V2Reader() {}

  static Kit read(JsonNode root) {
    KitKind kind = "sandbox".equals(text(root, "kind")) ? KitKind.SANDBOX : KitKind.MIXIN;
    JsonNode network = root.path("permissions").path("network");
    return new Kit(
        kind,
        text(root, "name"),
        text(root, "displayName"),
        text(root, "description"),
        text(root, "version"),
        text(root, "sourceURL"),
        text(root, "extends"),
        strings(root.get("locked")),
        text(root.path("requires"), "agent"),
        args(root.get("args")),
        strings(root.get("licenses")),
        kind == KitKind.SANDBOX ? sandbox(root.get("sandbox")) : null,
        new Network(strings(network.get("allow")), strings(network.get("deny"))),
        credentials(root.get("credentials")),
        new Environment(Json.stringMap(root.path("environment").get("variables")),
            strings(root.path("environment").get("proxyManaged"))),
        setup(root.get("setup")),
        instructions(root.get("agentInstructions")),
        ports(root.get("ports")),
        volumes(root.get("volumes")),
        bool(root.get("security"), "privileged"),
        strings(root.get("mixins")),
        List.of());
  }

  private static Map<String, KitArg> args(JsonNode node) {
    Map<String, KitArg> out = new LinkedHashMap<>();
    if (present(node)) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        JsonNode a = e.getValue();
        out.put(e.getKey(), new KitArg(text(a, "default"), text(a, "description"),
            text(a, "pattern"), strings(a.get("enum")), bool(a, "required"), bool(a, "buildArg")));
      }
    }
    return out;
  }

  private static SandboxBlock sandbox(JsonNode s) {
    JsonNode command = s.path("command");
    JsonNode r = s.get("resources");
    SandboxBlock.Resources resources = null;
    if (present(r)) {
      JsonNode cpu = r.get("cpu");
      String memory = text(r, "memory");
      if (memory == null && present(r.get("memoryMB"))) {
        memory = text(r, "memoryMB") + "m";
      }
      resources = new SandboxBlock.Resources(present(cpu) ? cpu.asDouble() : null, memory,
          text(r, "gpu"));
    }
    String persistence = text(s, "persistence");
    return new SandboxBlock(
        text(s, "image"),
        strings(s.get("entrypoint")),
        new SandboxBlock.Command(strings(command.get("default")), strings(command.get("interactive"))),
        resources,
        persistence == null ? null
            : SandboxBlock.Persistence.valueOf(persistence.toUpperCase(Locale.ROOT)));
  }

  private static List<Credential> credentials(JsonNode node) {
    List<Credential> out = new ArrayList<>();
    if (!present(node)) {
      return out;
    }
    for (JsonNode c : node) {
      Credential.ApiKey apiKey = null;
      JsonNode k = c.get("apiKey");
      if (present(k)) {
        List<Credential.Inject> inject = new ArrayList<>();
        for (JsonNode i : k.path("inject")) {
          inject.add(new Credential.Inject(text(i, "domain"), text(i, "header"), text(i, "format"),
              text(i, "scheme"), text(i, "username")));
        }
        apiKey = new Credential.ApiKey(text(k, "name"), bool(k, "proxyManaged"), inject);
      }
      Credential.OAuth oauth = null;
      JsonNode o = c.get("oauth");
      if (present(o)) {
        JsonNode te = o.get("tokenEndpoint");
        JsonNode se = o.get("sentinels");
        JsonNode cf = o.get("credentialFile");
        oauth = new Credential.OAuth(
            present(te) ? new Credential.TokenEndpoint(text(te, "host"), text(te, "path")) : null,
            strings(o.get("resourceHosts")),
            present(se) ? new Credential.Sentinels(text(se, "accessToken"),
                text(se, "refreshToken")) : null,
            present(cf) ? credentialFile(cf) : null,
            strings(o.get("skipIfEnv")),
            Json.stringMap(o.get("responseFields")),
            bool(o, "passthrough"));
      }
      out.add(new Credential(text(c, "service"), text(c, "description"), bool(c, "required"),
          text(c, "provider"), apiKey, oauth));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Credential.CredentialFile credentialFile(JsonNode cf) {
    JsonNode structure = cf.get("structure");
    return new Credential.CredentialFile(text(cf, "path"), text(cf, "template"),
        present(structure) ? (Map<String, Object>) Json.plain(structure) : Map.of());
  }

  private static Setup setup(JsonNode s) {
    if (!present(s)) {
      return Setup.EMPTY;
    }
    List<Setup.Install> install = new ArrayList<>();
    for (JsonNode i : s.path("install")) {
      install.add(new Setup.Install(text(i, "command"), text(i, "user"), text(i, "description")));
    }
    List<Setup.Startup> startup = new ArrayList<>();
    for (JsonNode i : s.path("startup")) {
      startup.add(new Setup.Startup(strings(i.get("command")), text(i, "user"),
          bool(i, "background"), text(i, "description")));
    }
    List<Setup.InitFile> files = new ArrayList<>();
    for (JsonNode i : s.path("files")) {
      files.add(new Setup.InitFile(text(i, "path"), text(i, "content"), text(i, "mode"),
          bool(i, "onlyIfMissing"), text(i, "description")));
    }
    return new Setup(install, startup, files);
  }

  private static AgentInstructions instructions(JsonNode a) {
    if (!present(a)) {
      return null;
    }
    return new AgentInstructions(text(a, "filename"), text(a, "content"));
  }

  private static List<Port> ports(JsonNode node) {
    List<Port> out = new ArrayList<>();
    if (present(node)) {
      for (JsonNode p : node) {
        out.add(new Port(p.get("container").asInt(), text(p, "protocol"), text(p, "name")));
      }
    }
    return out;
  }

  private static List<Volume> volumes(JsonNode node) {
    List<Volume> out = new ArrayList<>();
    if (present(node)) {
      for (JsonNode v : node) {
        String type = text(v, "type");
        out.add(new Volume(text(v, "path"), type == null || type.isEmpty() ? null : type,
            text(v, "size"), text(v, "mode")));
      }
    }
    return out;
  }
}

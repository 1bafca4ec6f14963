package dev.sbx.schemas;

import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.KitArg;
import dev.sbx.schemas.model.Port;
import dev.sbx.schemas.model.SandboxBlock;
import dev.sbx.schemas.model.Setup;
import dev.sbx.schemas.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a kit as a schemaVersion "2" document (YAML or JSON) in a fixed key order. Loading the
 * output gives the same {@link Kit} back (without {@code files/}, which live beside the spec).
 */
public final class KitWriter {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private KitWriter() {}

  public static String toYaml(Kit kit) {
    DumpSettings settings = DumpSettings.builder()
        .setDefaultFlowStyle(FlowStyle.BLOCK)
        .setSchema(new CoreSchema())
        .setIndent(2)
        .setIndicatorIndent(2)
        .setIndentWithIndicator(true)
        .setWidth(100)
        .setSplitLines(false)
        .build();
    return new Dump(settings, new SafeBlockRepresenter(settings)).dumpToString(toMap(kit));
  }

  /**
   * Literal blocks ({@code |}) for readable multi-line text, but only where a literal block can
   * hold the string exactly; otherwise double quotes. (snakeyaml-engine's own choice emits an
   * unreadable block for text that starts with a line break followed by spaces.)
   */
  private static final class SafeBlockRepresenter extends StandardRepresenter {
    SafeBlockRepresenter(DumpSettings settings) {
      super(settings);
      this.representers.put(String.class, data -> {
        String s = (String) data;
        ScalarStyle style = ScalarStyle.PLAIN;
        if (s.indexOf('\n') >= 0) {
          style = literalSafe(s) ? ScalarStyle.LITERAL : ScalarStyle.DOUBLE_QUOTED;
        }
        return representScalar(Tag.STR, s, style);
      });
    }

    private static boolean literalSafe(String s) {
      if (s.isEmpty() || Character.isWhitespace(s.charAt(0))) {
        return false;
      }
      for (String line : s.split("\n", -1)) {
        if (!line.isEmpty() && (Character.isWhitespace(line.charAt(line.length() - 1)))) {
          return false;
        }
        for (int i = 0; i < line.length(); i++) {
          char c = line.charAt(i);
          if (c < ' ' || c == '\u007f' || c == '\ufeff') {
            return false;
          }
        }
      }
      return true;
    }
  }

  public static String toJson(Kit kit) {
    return JSON.writeValueAsString(toMap(kit)) + "\n";
  }

  /** The document as ordered maps, lists and scalars. */
  public static Map<String, Object> toMap(Kit kit) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", "2");
    m.put("kind", kit.kind().yamlName());
    m.put("name", kit.name());
    put(m, "displayName", kit.displayName());
    put(m, "description", kit.description());
    put(m, "version", kit.version());
    put(m, "sourceURL", kit.sourceUrl());
    put(m, "extends", kit.extendsKit());
    put(m, "licenses", kit.licenses());
    put(m, "locked", kit.locked());
    if (kit.requiresAgent() != null) {
      m.put("requires", Map.of("agent", kit.requiresAgent()));
    }
    if (!kit.args().isEmpty()) {
      Map<String, Object> args = new LinkedHashMap<>();
      kit.args().forEach((name, arg) -> args.put(name, arg(arg)));
      m.put("args", args);
    }
    put(m, "mixins", kit.mixins());
    if (kit.sandbox() != null) {
      m.put("sandbox", sandbox(kit.sandbox()));
    }
    if (kit.agentInstructions() != null) {
      Map<String, Object> ai = new LinkedHashMap<>();
      put(ai, "filename", kit.agentInstructions().filename());
      put(ai, "content", kit.agentInstructions().content());
      m.put("agentInstructions", ai);
    }
    if (!kit.network().allow().isEmpty() || !kit.network().deny().isEmpty()) {
      Map<String, Object> network = new LinkedHashMap<>();
      put(network, "allow", kit.network().allow());
      put(network, "deny", kit.network().deny());
      m.put("permissions", Map.of("network", network));
    }
    if (!kit.credentials().isEmpty()) {
      List<Object> list = new ArrayList<>();
      kit.credentials().forEach(c -> list.add(credential(c)));
      m.put("credentials", list);
    }
    Map<String, Object> env = new LinkedHashMap<>();
    put(env, "variables", kit.environment().variables());
    put(env, "proxyManaged", kit.environment().proxyManaged());
    put(m, "environment", env);
    put(m, "setup", setup(kit.setup()));
    if (!kit.ports().isEmpty()) {
      List<Object> ports = new ArrayList<>();
      for (Port p : kit.ports()) {
        Map<String, Object> port = new LinkedHashMap<>();
        port.put("container", p.container());
        put(port, "protocol", p.protocol());
        put(port, "name", p.name());
        ports.add(port);
      }
      m.put("ports", ports);
    }
    if (!kit.volumes().isEmpty()) {
      List<Object> volumes = new ArrayList<>();
      for (Volume v : kit.volumes()) {
        Map<String, Object> volume = new LinkedHashMap<>();
        volume.put("path", v.path());
        put(volume, "type", v.type());
        put(volume, "size", v.size());
        put(volume, "mode", v.mode());
        volumes.add(volume);
      }
      m.put("volumes", volumes);
    }
    if (kit.privileged()) {
      m.put("security", Map.of("privileged", true));
    }
    return m;
  }

  private static Map<String, Object> arg(KitArg arg) {
    Map<String, Object> a = new LinkedHashMap<>();
    put(a, "default", arg.defaultValue());
    put(a, "description", arg.description());
    put(a, "pattern", arg.pattern());
    put(a, "enum", arg.enumValues());
    if (arg.required()) {
      a.put("required", true);
    }
    if (arg.buildArg()) {
      a.put("buildArg", true);
    }
    return a;
  }

  private static Map<String, Object> sandbox(SandboxBlock s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image", s.image());
    put(m, "entrypoint", s.entrypoint());
    Map<String, Object> command = new LinkedHashMap<>();
    put(command, "default", s.command().defaultArgs());
    put(command, "interactive", s.command().interactive());
    put(m, "command", command);
    if (s.resources() != null) {
      Map<String, Object> r = new LinkedHashMap<>();
      put(r, "cpu", s.resources().cpu());
      put(r, "memory", s.resources().memory());
      put(r, "gpu", s.resources().gpu());
      m.put("resources", r);
    }
    if (s.persistence() != null) {
      m.put("persistence", s.persistence().name().toLowerCase(Locale.ROOT));
    }
    return m;
  }

  private static Map<String, Object> credential(Credential c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", c.service());
    put(m, "description", c.description());
    if (c.required()) {
      m.put("required", true);
    }
    put(m, "provider", c.provider());
    if (c.apiKey() != null) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("name", c.apiKey().name());
      if (c.apiKey().proxyManaged()) {
        k.put("proxyManaged", true);
      }
      List<Object> inject = new ArrayList<>();
      for (Credential.Inject i : c.apiKey().inject()) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("domain", i.domain());
        put(rule, "header", i.header());
        put(rule, "format", i.format());
        put(rule, "scheme", i.scheme());
        put(rule, "username", i.username());
        inject.add(rule);
      }
      put(k, "inject", inject);
      m.put("apiKey", k);
    }
    if (c.oauth() != null) {
      Credential.OAuth o = c.oauth();
      Map<String, Object> om = new LinkedHashMap<>();
      if (o.tokenEndpoint() != null) {
        Map<String, Object> te = new LinkedHashMap<>();
        put(te, "host", o.tokenEndpoint().host());
        put(te, "path", o.tokenEndpoint().path());
        om.put("tokenEndpoint", te);
      }
      put(om, "resourceHosts", o.resourceHosts());
      Map<String, Object> sentinels = new LinkedHashMap<>();
      put(sentinels, "accessToken", o.sentinels().accessToken());
      put(sentinels, "refreshToken", o.sentinels().refreshToken());
      put(om, "sentinels", sentinels);
      if (o.credentialFile() != null) {
        Map<String, Object> cf = new LinkedHashMap<>();
        put(cf, "path", o.credentialFile().path());
        put(cf, "template", o.credentialFile().template());
        put(cf, "structure", o.credentialFile().structure());
        om.put("credentialFile", cf);
      }
      put(om, "skipIfEnv", o.skipIfEnv());
      put(om, "responseFields", o.responseFields());
      if (o.passthrough()) {
        om.put("passthrough", true);
      }
      m.put("oauth", om);
    }
    return m;
  }

  private static Map<String, Object> setup(Setup s) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> install = new ArrayList<>();
    for (Setup.Install i : s.install()) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("command", i.command());
      put(step, "user", i.user());
      put(step, "description", i.description());
      install.add(step);
    }
    put(m, "install", install);
    List<Object> startup = new ArrayList<>();
    for (Setup.Startup i : s.startup()) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("command", i.command());
      put(step, "user", i.user());
      if (i.background()) {
        step.put("background", true);
      }
      put(step, "description", i.description());
      startup.add(step);
    }
    put(m, "startup", startup);
    List<Object> files = new ArrayList<>();
    for (Setup.InitFile f : s.files()) {
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("path", f.path());
      put(file, "content", f.content());
      put(file, "mode", f.mode());
      if (f.onlyIfMissing()) {
        file.put("onlyIfMissing", true);
      }
      put(file, "description", f.description());
      files.add(file);
    }
    put(m, "files", files);
    return m;
  }

  /** Absent stays absent: null and empty collections are left out. */
  private static void put(Map<String, Object> m, String key, Object value) {
    if (value == null
        || value instanceof List<?> l && l.isEmpty()
        || value instanceof Map<?, ?> mm && mm.isEmpty()) {
      return;
    }
    m.put(key, value);
  }
}

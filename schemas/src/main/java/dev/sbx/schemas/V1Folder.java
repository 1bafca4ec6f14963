package dev.sbx.schemas;

import static dev.sbx.schemas.Json.present;
import static dev.sbx.schemas.Json.text;
import static dev.sbx.schemas.model.Positions.child;

import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.Positions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Folds a schema-valid schemaVersion "1" tree into the schemaVersion "2" layout, as upstream's
 * normalizer does (reference §1.10, §1.5.2): agent→sandbox, credentials.sources + serviceDomains +
 * serviceAuth + proxyManaged → credentials[], memory/agentContext → agentInstructions, commands →
 * setup, the {@code secrets:}/{@code egress:} sugar, volume/tmpfs maps → volumes[]. Positions are
 * carried to the canonical pointers; deprecations become warnings.
 */
final class V1Folder {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Upstream's wellKnownAuth table, used by the {@code egress:} sugar. */
  private static final Map<String, String[]> WELL_KNOWN_AUTH = Map.ofEntries(
      Map.entry("anthropic", new String[] {"x-api-key", "%s"}),
      Map.entry("openai", new String[] {"Authorization", "Bearer %s"}),
      Map.entry("google", new String[] {"x-goog-api-key", "%s"}),
      Map.entry("github", new String[] {"Authorization", "token %s"}),
      Map.entry("xai", new String[] {"Authorization", "Bearer %s"}),
      Map.entry("nebius", new String[] {"Authorization", "Bearer %s"}),
      Map.entry("mistral", new String[] {"Authorization", "Bearer %s"}),
      Map.entry("groq", new String[] {"Authorization", "Bearer %s"}),
      Map.entry("cursor", new String[] {"Authorization", "Bearer %s"}),
      Map.entry("factory", new String[] {"Authorization", "Bearer %s"}));

  /** v1 dotted paths (for {@code locked:}) and their canonical spelling, longest first. */
  private static final String[][] LOCKED_RENAMES = {
    {"agent.aiFilename", "agentInstructions.filename"},
    {"sandbox.aiFilename", "agentInstructions.filename"},
    {"agent.entrypoint.run", "sandbox.entrypoint"},
    {"agent.entrypoint.args", "sandbox.command.default"},
    {"network.allowedDomains", "permissions.network.allow"},
    {"network.deniedDomains", "permissions.network.deny"},
    {"commands.initFiles", "setup.files"},
    {"agentContext", "agentInstructions.content"},
    {"memory", "agentInstructions.content"},
    {"commands", "setup"},
    {"agent", "sandbox"},
  };

  private final JsonNode raw;
  private final Positions rawPositions;
  private final Problems problems;
  private final ObjectNode out = NODES.objectNode();
  private final Map<String, Position> canon = new LinkedHashMap<>();

  private V1Folder(JsonNode raw, Positions rawPositions, Problems problems) {
    this.raw = raw;
    this.rawPositions = rawPositions;
    this.problems = problems;
  }

  /** The folded tree and its canonical positions. */
  record Folded(ObjectNode root, Positions positions) {}

  static Folded fold(JsonNode raw, Positions rawPositions, Problems problems) {
    V1Folder f = new V1Folder(raw, rawPositions, problems);
    f.run();
    return new Folded(f.out, new Positions(f.canon));
  }

  private void run() {
    canon.put("", Position.START);
    out.put("schemaVersion", "2");
    move("/schemaVersion", "/schemaVersion");
    String kind = text(raw, "kind");
    if ("agent".equals(kind)) {
      problems.warn("/kind", "kind: agent is deprecated", "use kind: sandbox (sbx v0.32 rename)");
    }
    out.put("kind", "mixin".equals(kind) ? "mixin" : "sandbox");
    move("/kind", "/kind");
    for (String field : List.of("name", "displayName", "description", "version", "sourceURL",
        "extends", "licenses", "security")) {
      copy(field, field);
    }
    locked();
    sandbox();
    instructions();
    network();
    ports();
    credentials();
    environmentAndSetup();
    volumes();
    dropped("settings", "settings were removed upstream and have no effect");
    dropped("kitDir", "kitDir was never used by any runtime");
  }

  private void locked() {
    JsonNode locked = raw.get("locked");
    if (!present(locked)) {
      return;
    }
    ArrayNode list = out.putArray("locked");
    int i = 0;
    for (JsonNode item : locked) {
      String path = item.asString();
      for (String[] rename : LOCKED_RENAMES) {
        if (path.equals(rename[0]) || path.startsWith(rename[0] + ".")) {
          path = rename[1] + path.substring(rename[0].length());
          break;
        }
      }
      list.add(path);
      move("/locked/" + i, "/locked/" + i);
      i++;
    }
    move("/locked", "/locked");
  }

  private void sandbox() {
    String blockName = present(raw.get("sandbox")) ? "sandbox" : "agent";
    JsonNode block = raw.get(blockName);
    if (!present(block)) {
      return;
    }
    String from = "/" + blockName;
    if (blockName.equals("agent")) {
      problems.warn(from, "the agent: block is deprecated", "rename it to sandbox: (sbx v0.32)");
    }
    ObjectNode s = out.putObject("sandbox");
    move(from, "/sandbox");
    s.set("image", block.get("image"));
    move(from + "/image", "/sandbox/image");
    JsonNode entrypoint = block.get("entrypoint");
    if (present(entrypoint)) {
      if (present(entrypoint.get("run"))) {
        s.set("entrypoint", entrypoint.get("run"));
        copyTree(from + "/entrypoint/run", "/sandbox/entrypoint");
      }
      ObjectNode command = NODES.objectNode();
      if (present(entrypoint.get("args"))) {
        command.set("default", entrypoint.get("args"));
        copyTree(from + "/entrypoint/args", "/sandbox/command/default");
      }
      if (present(entrypoint.get("ttyArgs"))) {
        command.set("interactive", entrypoint.get("ttyArgs"));
        copyTree(from + "/entrypoint/ttyArgs", "/sandbox/command/interactive");
      }
      if (!command.isEmpty()) {
        s.set("command", command);
        move(from + "/entrypoint", "/sandbox/command");
      }
      if (present(entrypoint.get("pipeMode"))) {
        problems.warn(from + "/entrypoint/pipeMode", "entrypoint.pipeMode is dropped",
            "schemaVersion \"2\" has no replacement; remove it");
      }
    }
    if (present(block.get("resources"))) {
      s.set("resources", block.get("resources"));
      copyTree(from + "/resources", "/sandbox/resources");
    }
    if (present(block.get("persistence"))) {
      s.set("persistence", block.get("persistence"));
      move(from + "/persistence", "/sandbox/persistence");
    }
  }

  private void instructions() {
    ObjectNode ai = NODES.objectNode();
    String blockName = present(raw.get("sandbox")) ? "sandbox" : "agent";
    JsonNode fileName = raw.path(blockName).get("aiFilename");
    if (present(fileName)) {
      ai.set("filename", fileName);
      move("/" + blockName + "/aiFilename", "/agentInstructions/filename");
    }
    boolean memory = present(raw.get("memory"));
    boolean context = present(raw.get("agentContext"));
    if (memory && context) {
      problems.error("/memory", "both memory and agentContext are set",
          "keep agentContext (memory is its old name)");
    }
    if (memory) {
      problems.warn("/memory", "memory is deprecated", "rename it to agentContext (sbx v0.32)");
      ai.set("content", raw.get("memory"));
      move("/memory", "/agentInstructions/content");
    } else if (context) {
      ai.set("content", raw.get("agentContext"));
      move("/agentContext", "/agentInstructions/content");
    }
    if (!ai.isEmpty()) {
      out.set("agentInstructions", ai);
      String first = present(fileName) ? "/" + blockName + "/aiFilename"
          : memory ? "/memory" : "/agentContext";
      move(first, "/agentInstructions");
    }
  }

  private void network() {
    ArrayNode allow = NODES.arrayNode();
    ArrayNode deny = NODES.arrayNode();
    appendAll(raw.path("network").get("allowedDomains"), "/network/allowedDomains", allow,
        "/permissions/network/allow");
    appendAll(raw.path("network").get("deniedDomains"), "/network/deniedDomains", deny,
        "/permissions/network/deny");
    JsonNode caps = raw.path("caps").path("network");
    if (present(raw.get("caps"))) {
      problems.warn("/caps", "caps.network is a transitional spelling",
          "use network.allowedDomains (v1) or permissions.network.allow (v2)");
    }
    appendAll(caps.get("allow"), "/caps/network/allow", allow, "/permissions/network/allow");
    appendAll(caps.get("deny"), "/caps/network/deny", deny, "/permissions/network/deny");
    // The egress sugar allows nothing by itself; upstream requires the domain in allow too.
    if (!allow.isEmpty() || !deny.isEmpty()) {
      ObjectNode network = out.putObject("permissions").putObject("network");
      String first = present(raw.get("network")) ? "/network" : "/caps";
      move(first, "/permissions");
      move(first, "/permissions/network");
      if (!allow.isEmpty()) {
        network.set("allow", allow);
      }
      if (!deny.isEmpty()) {
        network.set("deny", deny);
      }
    }
  }

  private void appendAll(JsonNode from, String rawPointer, ArrayNode to, String canonPointer) {
    if (!present(from)) {
      return;
    }
    canon.putIfAbsent(canonPointer, rawPositions.nearest(rawPointer));
    int i = 0;
    for (JsonNode item : from) {
      move(rawPointer + "/" + i, canonPointer + "/" + to.size());
      to.add(item);
      i++;
    }
  }

  private void ports() {
    ArrayNode ports = NODES.arrayNode();
    for (String from : List.of("/network/publishedPorts", "/publishedPorts")) {
      JsonNode list = raw.at(from);
      if (!present(list) || list.isMissingNode()) {
        continue;
      }
      problems.warn(from, from.substring(1).replace('/', '.') + " is a transitional spelling",
          "schemaVersion \"2\" calls it ports");
      canon.putIfAbsent("/ports", rawPositions.nearest(from));
      int i = 0;
      for (JsonNode item : list) {
        copyTree(from + "/" + i, "/ports/" + ports.size());
        ports.add(item);
        i++;
      }
    }
    if (!ports.isEmpty()) {
      out.set("ports", ports);
    }
  }

  /** The credential fold: one entry per service, in first-mention order. */
  private void credentials() {
    JsonNode creds = raw.get("credentials");
    if (present(creds) && creds.isArray()) {
      problems.warn("/credentials", "a credentials list is the schemaVersion \"2\" spelling",
          "declare schemaVersion: \"2\" or use credentials.sources");
      out.set("credentials", creds);
      copyTree("/credentials", "/credentials");
      return;
    }
    Map<String, ObjectNode> sources = new LinkedHashMap<>();
    Map<String, String> sourcePointer = new LinkedHashMap<>();
    JsonNode srcNode = present(creds) ? creds.get("sources") : null;
    if (present(srcNode)) {
      for (Map.Entry<String, JsonNode> e : srcNode.properties()) {
        String p = child("/credentials/sources", e.getKey());
        sources.put(e.getKey(), (ObjectNode) e.getValue());
        sourcePointer.put(e.getKey(), p);
        JsonNode s = e.getValue();
        if (!present(s.get("env")) && !present(s.get("file"))) {
          problems.error(p, "credential source '" + e.getKey() + "' has neither env nor file",
              "add env: [VAR_NAME] (or file: {path: ...})");
        }
        String parser = text(s.path("file"), "parser");
        if (parser != null && !parser.isEmpty() && !parser.startsWith("json:")) {
          problems.error(p + "/file/parser", "unsupported parser: " + parser,
              "use json:<dot.path> or leave parser empty for the whole file");
        }
        if (present(s.get("file"))) {
          problems.warn(p + "/file", "credentials.sources." + e.getKey()
              + ".file has no schemaVersion \"2\" equivalent and is ignored",
              "store the secret with: sbx secret set " + e.getKey());
        }
      }
    }
    // secrets: sugar -> sources
    JsonNode secrets = raw.get("secrets");
    if (present(secrets)) {
      int i = 0;
      for (JsonNode name : secrets) {
        String env = name.asString();
        String service = deriveServiceKey(env);
        String p = "/secrets/" + i++;
        if (sources.containsKey(service)) {
          problems.error(p, "secret " + env + " maps to service '" + service
              + "', which credentials.sources already defines", "remove one of the two");
          continue;
        }
        ObjectNode s = NODES.objectNode();
        s.putArray("env").add(env);
        s.put("required", true);
        sources.put(service, s);
        sourcePointer.put(service, p);
      }
    }
    JsonNode network = raw.path("network");
    Map<String, String> serviceDomains = new TreeMap<>(Json.stringMap(network.get("serviceDomains")));
    Map<String, String> domainPointer = new LinkedHashMap<>();
    serviceDomains.keySet().forEach(d -> domainPointer.put(d, child("/network/serviceDomains", d)));
    Map<String, String[]> serviceAuth = new LinkedHashMap<>();
    Map<String, String> authPointer = new LinkedHashMap<>();
    JsonNode authNode = network.get("serviceAuth");
    if (present(authNode)) {
      for (Map.Entry<String, JsonNode> e : authNode.properties()) {
        serviceAuth.put(e.getKey(), new String[] {text(e.getValue(), "headerName"),
            text(e.getValue(), "valueFormat")});
        authPointer.put(e.getKey(), child("/network/serviceAuth", e.getKey()));
      }
    }
    // egress: sugar -> serviceDomains (+ well-known serviceAuth)
    JsonNode egress = raw.get("egress");
    if (present(egress)) {
      for (Map.Entry<String, JsonNode> e : egress.properties()) {
        String p = child("/egress", e.getKey());
        String service = e.getValue().asString();
        if (serviceDomains.containsKey(e.getKey())) {
          problems.error(p, "egress domain " + e.getKey() + " is already in network.serviceDomains",
              "remove one of the two");
          continue;
        }
        serviceDomains.put(e.getKey(), service);
        domainPointer.put(e.getKey(), p);
        String[] known = WELL_KNOWN_AUTH.get(service);
        if (!serviceAuth.containsKey(service) && known != null) {
          serviceAuth.put(service, known);
          authPointer.put(service, p);
        }
      }
    }
    JsonNode oauthNode = raw.get("oauth");
    String oauthService = present(oauthNode) ? text(oauthNode, "service") : null;

    Set<String> services = new LinkedHashSet<>(sources.keySet());
    services.addAll(serviceAuth.keySet());
    services.addAll(serviceDomains.values());
    if (oauthService != null) {
      services.add(oauthService);
    }
    if (services.isEmpty()) {
      return;
    }
    // proxyManaged names -> service (env->service map first, then the derived key)
    Map<String, String> envToService = new LinkedHashMap<>();
    sources.forEach((svc, s) -> Json.strings(s.get("env")).forEach(
        env -> envToService.putIfAbsent(env, svc)));
    List<String> proxyManaged = Json.strings(raw.path("environment").get("proxyManaged"));
    Map<String, Integer> proxyIndex = new LinkedHashMap<>();
    for (int i = 0; i < proxyManaged.size(); i++) {
      proxyIndex.putIfAbsent(proxyManaged.get(i), i);
    }
    ArrayNode list = out.putArray("credentials");
    for (String service : services) {
      String at = sourcePointer.getOrDefault(service, authPointer.getOrDefault(service,
          serviceDomains.entrySet().stream().filter(e -> e.getValue().equals(service))
              .map(e -> domainPointer.get(e.getKey())).findFirst().orElse("/oauth")));
      String cp = "/credentials/" + list.size();
      canon.put(cp, rawPositions.nearest(at));
      canon.put(cp + "/service", rawPositions.nearest(at));
      ObjectNode c = list.addObject();
      c.put("service", service);
      ObjectNode source = sources.get(service);
      if (source != null && source.path("required").asBoolean(false)) {
        c.put("required", true);
        move(sourcePointer.get(service) + "/required", cp + "/required");
      }
      String keyName = null;
      String keyPointer = null;
      if (source != null && present(source.get("env")) && !source.get("env").isEmpty()) {
        keyName = source.get("env").get(0).asString();
        keyPointer = sourcePointer.get(service) + "/env/0";
        if (source.get("env").size() > 1) {
          problems.warn(sourcePointer.get(service) + "/env/1", "only the first env name of"
              + " credentials.sources." + service + " is kept as apiKey.name",
              "schemaVersion \"2\" reads the secret from sbx's store, not the host environment");
        }
      }
      if (keyName == null) {
        for (Map.Entry<String, Integer> pm : proxyIndex.entrySet()) {
          String owner = envToService.getOrDefault(pm.getKey(), deriveServiceKey(pm.getKey()));
          if (owner.equals(service)) {
            keyName = pm.getKey();
            keyPointer = "/environment/proxyManaged/" + pm.getValue();
            break;
          }
        }
      }
      List<String> domains = new ArrayList<>();
      serviceDomains.forEach((d, s) -> {
        if (s.equals(service)) {
          domains.add(d);
        }
      });
      boolean hasApiKey = keyName != null || !domains.isEmpty() || serviceAuth.containsKey(service);
      if (hasApiKey) {
        ObjectNode apiKey = c.putObject("apiKey");
        canon.put(cp + "/apiKey", rawPositions.nearest(keyPointer != null ? keyPointer : at));
        apiKey.put("name", keyName == null ? "" : keyName);
        if (keyPointer != null) {
          move(keyPointer, cp + "/apiKey/name");
        }
        if (keyName != null && proxyIndex.containsKey(keyName)) {
          apiKey.put("proxyManaged", true);
          move("/environment/proxyManaged/" + proxyIndex.get(keyName), cp + "/apiKey/proxyManaged");
          proxyIndex.remove(keyName);
        }
        String[] auth = serviceAuth.get(service);
        if (!domains.isEmpty()) {
          ArrayNode inject = apiKey.putArray("inject");
          for (String domain : domains) {
            String ip = cp + "/apiKey/inject/" + inject.size();
            ObjectNode rule = inject.addObject();
            rule.put("domain", domain);
            move(domainPointer.get(domain), ip);
            move(domainPointer.get(domain), ip + "/domain");
            if (auth != null) {
              rule.put("header", auth[0]);
              rule.put("format", auth[1] == null ? "%s" : auth[1]);
              String ap = authPointer.get(service);
              move(ap + "/headerName", ip + "/header");
              move(ap + "/valueFormat", ip + "/format");
              canon.putIfAbsent(ip + "/header", rawPositions.nearest(ap));
              canon.putIfAbsent(ip + "/format", rawPositions.nearest(ap));
            } else {
              problems.warn(domainPointer.get(domain), "service '" + service + "' has no"
                  + " serviceAuth, so the inject rule for " + domain + " names no header",
                  "add network.serviceAuth." + service + " {headerName, valueFormat}");
            }
          }
        } else if (auth != null) {
          problems.warn(authPointer.get(service), "serviceAuth." + service
              + " has no serviceDomains entry, so nothing is injected",
              "map a domain to it in network.serviceDomains");
        }
      }
      if (service.equals(oauthService)) {
        c.set("oauth", oauth(oauthNode));
        copyTree("/oauth", cp + "/oauth");
        if (present(oauthNode.get("passthroughResponse"))) {
          move("/oauth/passthroughResponse", cp + "/oauth/passthrough");
        }
      }
    }
    // proxyManaged names no credential claimed stay in environment.proxyManaged.
    remainingProxyManaged = proxyIndex;
  }

  private Map<String, Integer> remainingProxyManaged;

  private static ObjectNode oauth(JsonNode v1) {
    ObjectNode o = NODES.objectNode();
    for (Map.Entry<String, JsonNode> e : v1.properties()) {
      switch (e.getKey()) {
        case "service" -> { }
        case "passthroughResponse" -> o.set("passthrough", e.getValue());
        default -> o.set(e.getKey(), e.getValue());
      }
    }
    return o;
  }

  private void environmentAndSetup() {
    JsonNode env = raw.get("environment");
    if (present(env)) {
      ObjectNode e = NODES.objectNode();
      if (present(env.get("variables"))) {
        e.set("variables", env.get("variables"));
        copyTree("/environment/variables", "/environment/variables");
      }
      Map<String, Integer> left = remainingProxyManaged;
      if (left == null) {
        left = new LinkedHashMap<>();
        List<String> pm = Json.strings(env.get("proxyManaged"));
        for (int i = 0; i < pm.size(); i++) {
          left.putIfAbsent(pm.get(i), i);
        }
      }
      if (!left.isEmpty()) {
        ArrayNode pm = e.putArray("proxyManaged");
        for (Map.Entry<String, Integer> l : left.entrySet()) {
          move("/environment/proxyManaged/" + l.getValue(), "/environment/proxyManaged/" + pm.size());
          pm.add(l.getKey());
        }
        move("/environment/proxyManaged", "/environment/proxyManaged");
      }
      if (!e.isEmpty()) {
        out.set("environment", e);
        move("/environment", "/environment");
      }
    }
    JsonNode commands = raw.get("commands");
    if (present(commands)) {
      ObjectNode setup = out.putObject("setup");
      move("/commands", "/setup");
      for (String[] m : new String[][] {{"install", "install"}, {"startup", "startup"},
          {"initFiles", "files"}}) {
        if (present(commands.get(m[0]))) {
          setup.set(m[1], commands.get(m[0]));
          copyTree("/commands/" + m[0], "/setup/" + m[1]);
        }
      }
    }
  }

  private void volumes() {
    ArrayNode volumes = NODES.arrayNode();
    for (String kind : List.of("volumes", "tmpfs")) {
      JsonNode map = raw.get(kind);
      if (!present(map)) {
        continue;
      }
      for (Map.Entry<String, JsonNode> e : map.properties()) {
        String vp = "/volumes/" + volumes.size();
        String from = child("/" + kind, e.getKey());
        ObjectNode v = volumes.addObject();
        v.put("path", e.getKey());
        move(from, vp);
        move(from, vp + "/path");
        if (kind.equals("tmpfs")) {
          v.put("type", "tmpfs");
        }
        String size = text(e.getValue());
        if (size != null && !size.isEmpty()) {
          v.put("size", size);
          move(from, vp + "/size");
        }
      }
    }
    if (!volumes.isEmpty()) {
      out.set("volumes", volumes);
    }
  }

  private void dropped(String key, String why) {
    if (present(raw.get(key))) {
      problems.warn("/" + key, key + " is ignored: " + why, "remove it");
    }
  }

  private void copy(String rawKey, String canonKey) {
    JsonNode value = raw.get(rawKey);
    if (present(value)) {
      out.set(canonKey, value);
      copyTree("/" + rawKey, "/" + canonKey);
    }
  }

  private void move(String rawPointer, String canonPointer) {
    rawPositions.at(rawPointer).ifPresent(p -> canon.put(canonPointer, p));
  }

  /** Copies the positions of a raw subtree under a new canonical root. */
  private void copyTree(String rawRoot, String canonRoot) {
    for (Map.Entry<String, Position> e : rawPositions.asMap().entrySet()) {
      String p = e.getKey();
      if (p.equals(rawRoot)) {
        canon.put(canonRoot, e.getValue());
      } else if (p.startsWith(rawRoot + "/")) {
        canon.put(canonRoot + p.substring(rawRoot.length()), e.getValue());
      }
    }
  }

  /** Upstream's deriveServiceKey: GH_TOKEN/GITHUB_TOKEN → github; else strip a key suffix. */
  static String deriveServiceKey(String envName) {
    if (envName.equals("GH_TOKEN") || envName.equals("GITHUB_TOKEN")) {
      return "github";
    }
    String lower = envName.toLowerCase(Locale.ROOT);
    for (String suffix : List.of("_api_key", "_token", "_key", "_secret")) {
      if (lower.endsWith(suffix) && lower.length() > suffix.length()) {
        return lower.substring(0, lower.length() - suffix.length());
      }
    }
    return lower;
  }
}

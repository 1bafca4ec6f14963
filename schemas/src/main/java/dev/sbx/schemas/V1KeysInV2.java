package dev.sbx.schemas;

import static dev.sbx.schemas.Json.present;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Upstream's v2 loader rejects v1 keys in a schemaVersion "2" file; so does sbx, naming the v1
 * key, its line, and the v2 key to use instead. Checked before the schema so that the user sees
 * this one clear message rather than a list of "unknown key" errors.
 */
final class V1KeysInV2 {
  /** Top-level v1 key → what to write in v2. */
  private static final Map<String, String> TOP = new LinkedHashMap<>();

  static {
    TOP.put("commands", "setup (commands.initFiles → setup.files)");
    TOP.put("caps", "permissions (caps.network → permissions.network)");
    TOP.put("network", "permissions.network (allowedDomains → allow, deniedDomains → deny;"
        + " serviceDomains/serviceAuth → credentials[].apiKey.inject)");
    TOP.put("agentContext", "agentInstructions.content");
    TOP.put("memory", "agentInstructions.content");
    TOP.put("agent", "sandbox");
    TOP.put("secrets", "credentials[] with apiKey.name");
    TOP.put("egress", "credentials[].apiKey.inject plus permissions.network.allow");
    TOP.put("oauth", "credentials[].oauth");
    TOP.put("tmpfs", "volumes[] with type: tmpfs");
    TOP.put("settings", "nothing (settings were removed in schemaVersion \"2\")");
    TOP.put("kitDir", "nothing (kitDir was removed in schemaVersion \"2\")");
  }

  private V1KeysInV2() {}

  /** Adds one error per v1 key found; returns true if any was found. */
  static boolean check(JsonNode root, Problems problems) {
    int before = problems.errorCount();
    for (Map.Entry<String, String> e : TOP.entrySet()) {
      if (root.has(e.getKey())) {
        report(problems, "/" + e.getKey(), e.getKey(), e.getValue());
      }
    }
    if ("agent".equals(Json.text(root, "kind"))) {
      report(problems, "/kind", "kind: agent", "kind: sandbox");
    }
    JsonNode sandbox = root.get("sandbox");
    if (present(sandbox) && sandbox.isObject()) {
      if (sandbox.has("aiFilename")) {
        report(problems, "/sandbox/aiFilename", "sandbox.aiFilename", "agentInstructions.filename");
      }
      JsonNode entrypoint = sandbox.get("entrypoint");
      if (present(entrypoint) && entrypoint.isObject()) {
        for (Map.Entry<String, String> k : Map.of(
            "run", "sandbox.entrypoint (a flat list)",
            "args", "sandbox.command.default",
            "ttyArgs", "sandbox.command.interactive",
            "pipeMode", "nothing (pipeMode was dropped)").entrySet()) {
          if (entrypoint.has(k.getKey())) {
            report(problems, "/sandbox/entrypoint/" + k.getKey(),
                "sandbox.entrypoint." + k.getKey(), k.getValue());
          }
        }
      }
    }
    JsonNode credentials = root.get("credentials");
    if (present(credentials) && credentials.isObject()) {
      report(problems, credentials.has("sources") ? "/credentials/sources" : "/credentials",
          "credentials.sources", "a credentials list: [{service, apiKey: {name, inject}}]");
    }
    JsonNode volumes = root.get("volumes");
    if (present(volumes) && volumes.isObject()) {
      report(problems, "/volumes", "volumes (a path map)", "a volumes list: [{path, size}]");
    }
    return problems.errorCount() > before;
  }

  private static void report(Problems problems, String pointer, String v1Key, String v2Key) {
    problems.error(pointer, "v1 key '" + v1Key + "' in a schemaVersion \"2\" file",
        "use " + v2Key + " instead, or declare schemaVersion: \"1\"");
  }
}

package dev.sbx.reconciler.merge;

import java.util.List;
import java.util.Map;

/**
 * {@code locked:} paths: dotted YAML paths in either spelling ({@code agent.image}, {@code
 * network.allowedDomains}, v2 {@code sandbox.image}, {@code permissions.network.allow}), brought
 * to the canonical (schemaVersion "2") layout that {@link EffectiveKit#toKit()} renders, and
 * read out of that rendered document.
 */
final class LockedPaths {
  /** v1 prefixes and their v2 spelling; the longest matching prefix wins. */
  private static final List<Map.Entry<String, String>> ALIASES = List.of(
      Map.entry("agent.entrypoint.run", "sandbox.entrypoint"),
      Map.entry("agent.entrypoint.args", "sandbox.command.default"),
      Map.entry("agent.entrypoint.ttyArgs", "sandbox.command.interactive"),
      Map.entry("agent.aiFilename", "agentInstructions.filename"),
      Map.entry("sandbox.entrypoint.run", "sandbox.entrypoint"),
      Map.entry("sandbox.aiFilename", "agentInstructions.filename"),
      Map.entry("agent", "sandbox"),
      Map.entry("network.allowedDomains", "permissions.network.allow"),
      Map.entry("network.deniedDomains", "permissions.network.deny"),
      Map.entry("network", "permissions.network"),
      Map.entry("caps.network", "permissions.network"),
      Map.entry("commands.initFiles", "setup.files"),
      Map.entry("commands", "setup"),
      Map.entry("memory", "agentInstructions.content"),
      Map.entry("agentContext", "agentInstructions.content"),
      Map.entry("publishedPorts", "ports"),
      Map.entry("tmpfs", "volumes"));

  private LockedPaths() {}

  /** The canonical spelling of a locked path. */
  static String canonical(String path) {
    for (Map.Entry<String, String> alias : ALIASES) {
      String from = alias.getKey();
      if (path.equals(from)) {
        return alias.getValue();
      }
      if (path.startsWith(from + ".")) {
        return alias.getValue() + path.substring(from.length());
      }
    }
    return path;
  }

  /** The JSON pointer of a canonical path ({@code sandbox.image} → {@code /sandbox/image}). */
  static String pointer(String canonicalPath) {
    return "/" + canonicalPath.replace('.', '/');
  }

  /** The value at a canonical path of a rendered document; null when absent. */
  static Object read(Map<String, Object> document, String canonicalPath) {
    Object node = document;
    for (String key : canonicalPath.split("\\.")) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }
}

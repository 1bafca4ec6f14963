package dev.sbx.schemas;

import static dev.sbx.schemas.model.Positions.child;

import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.KitKind;
import dev.sbx.schemas.model.Setup;
import dev.sbx.schemas.model.Volume;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the schema cannot say (reference §7), checked on the canonical model so that v1 and v2
 * kits get the same rules; positions come from the canonical pointer map.
 */
final class SemanticChecks {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern MODE = Pattern.compile("^0?[0-7]{3,4}$");
  private static final Pattern PORT_SUFFIX = Pattern.compile(":([0-9]+)(?:-([0-9]+))?$");
  private static final List<String> RESERVED_PREFIXES = List.of("SBX_", "DOCKER_", "DASH_");
  private static final Set<String> PROXY_VARS = Set.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
      "http_proxy", "https_proxy", "no_proxy", "ALL_PROXY", "all_proxy");

  private SemanticChecks() {}

  static void check(Kit kit, Problems p) {
    if (kit.kind() == KitKind.MIXIN && kit.requiresAgent() != null
        && kit.requiresAgent().equals(kit.name())) {
      p.error("/requires/agent", "a mixin cannot require itself", null);
    }
    if (kit.kind() == KitKind.SANDBOX && kit.requiresAgent() != null) {
      p.warn("/requires/agent", "requires.agent has no effect on a sandbox kit",
          "it pins a mixin to one sandbox kit; remove it here");
    }
    network(kit, p);
    credentials(kit, p);
    environment(kit, p);
    setup(kit.setup(), p);
    volumes(kit.volumes(), p);
    locked(kit.locked(), p);
    if (kit.agentInstructions() != null && kit.agentInstructions().filename() != null
        && kit.kind() == KitKind.MIXIN) {
      p.warn("/agentInstructions/filename", "agentInstructions.filename has no effect on a mixin",
          "only the sandbox kit names the agent's instruction file");
    }
  }

  private static void network(Kit kit, Problems p) {
    Map<String, Integer> allowed = new HashMap<>();
    List<String> allow = kit.network().allow();
    for (int i = 0; i < allow.size(); i++) {
      allowed.putIfAbsent(allow.get(i).toLowerCase(Locale.ROOT), i);
      portRange(allow.get(i), "/permissions/network/allow/" + i, p);
    }
    List<String> deny = kit.network().deny();
    for (int i = 0; i < deny.size(); i++) {
      String d = deny.get(i).toLowerCase(Locale.ROOT);
      portRange(deny.get(i), "/permissions/network/deny/" + i, p);
      if (allowed.containsKey(d)) {
        p.error("/permissions/network/deny/" + i, "domain \"" + deny.get(i)
            + "\" is in both allow and deny (allow at line "
            + pos(p, "/permissions/network/allow/" + allowed.get(d)) + ")",
            "remove it from one of the two lists; deny would win anyway");
      }
    }
  }

  private static void portRange(String pattern, String pointer, Problems p) {
    if (pattern.startsWith("[") || pattern.chars().filter(c -> c == ':').count() > 1) {
      return; // IPv6
    }
    Matcher m = PORT_SUFFIX.matcher(pattern);
    if (m.find()) {
      for (int g = 1; g <= 2; g++) {
        if (m.group(g) != null) {
          long port = Long.parseLong(m.group(g));
          if (port < 1 || port > 65535) {
            p.error(pointer, "port " + port + " in \"" + pattern + "\" is out of range",
                "ports are 1-65535");
          }
        }
      }
    }
  }

  private static void credentials(Kit kit, Problems p) {
    Map<String, Integer> seen = new HashMap<>();
    List<Credential> creds = kit.credentials();
    for (int i = 0; i < creds.size(); i++) {
      Credential c = creds.get(i);
      String cp = "/credentials/" + i;
      Integer first = seen.putIfAbsent(c.service(), i);
      if (first != null) {
        p.error(cp + "/service", "credential service '" + c.service() + "' is declared twice"
            + " (first at line " + pos(p, "/credentials/" + first) + ")", "merge the two entries");
      }
      if (c.apiKey() == null && c.oauth() == null) {
        p.warn(cp, "credential '" + c.service() + "' has neither apiKey nor oauth",
            "nothing is injected for it");
      }
      if (c.apiKey() != null) {
        List<Credential.Inject> inject = c.apiKey().inject();
        for (int j = 0; j < inject.size(); j++) {
          Credential.Inject rule = inject.get(j);
          String ip = cp + "/apiKey/inject/" + j;
          if (rule.format() != null) {
            int count = rule.format().split("%s", -1).length - 1;
            if (count != 1) {
              p.error(ip + "/format", "header format \"" + rule.format() + "\" must contain"
                  + " exactly one %s (it has " + count + ")", "write e.g. \"Bearer %s\"");
            }
            if (rule.format().replace("%s", "").contains("%")) {
              p.error(ip + "/format", "header format \"" + rule.format()
                  + "\" has a % other than %s", "only %s is substituted");
            }
          }
          if (rule.format() != null && rule.scheme() != null) {
            p.error(ip, "inject rule sets both format and scheme", "keep one of them");
          }
          if (rule.header() != null && rule.header().isBlank()) {
            p.error(ip + "/header", "header name is empty", "e.g. Authorization");
          }
          portRange(rule.domain(), ip + "/domain", p);
          if (!domainAllowed(rule.domain(), kit.network().allow())) {
            p.warn(ip + "/domain", "inject domain " + rule.domain()
                + " is not in permissions.network.allow of this kit",
                "every inject domain must also be allowed, unless another kit allows it");
          }
        }
        String name = c.apiKey().name();
        if (!name.isEmpty() && !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          p.error(cp + "/apiKey/name", "apiKey.name '" + name + "' is not an environment"
              + " variable name", "use letters, digits and _; not starting with a digit");
        }
      }
    }
  }

  private static boolean domainAllowed(String domain, List<String> allow) {
    String host = domain.replaceFirst(":[0-9*-]+$", "");
    for (String a : allow) {
      String ah = a.replaceFirst(":[0-9*-]+$", "");
      if (ah.equals(host) || ah.equals("**")) {
        return true;
      }
      if (ah.startsWith("**.") && (host.endsWith(ah.substring(2)) || host.equals(ah.substring(3)))) {
        return true;
      }
      if (ah.startsWith("*.") && host.endsWith(ah.substring(1))
          && host.indexOf('.') == host.length() - ah.length() + 1) {
        return true;
      }
    }
    return false;
  }

  private static void environment(Kit kit, Problems p) {
    for (String name : kit.environment().variables().keySet()) {
      String pointer = child("/environment/variables", name);
      if (PROXY_VARS.contains(name)) {
        p.warn(pointer, name + " is managed by the sandbox; setting it routes traffic around the"
            + " egress proxy", "remove it");
      } else if (RESERVED_PREFIXES.stream().anyMatch(name::startsWith)) {
        p.warn(pointer, name + " uses a reserved prefix (SBX_, DOCKER_, DASH_)", "rename it");
      }
    }
  }

  private static void setup(Setup setup, Problems p) {
    for (int i = 0; i < setup.install().size(); i++) {
      if (setup.install().get(i).command().isBlank()) {
        p.error("/setup/install/" + i + "/command", "install command is empty", null);
      }
    }
    for (int i = 0; i < setup.files().size(); i++) {
      Setup.InitFile f = setup.files().get(i);
      String fp = "/setup/files/" + i;
      if (!f.path().startsWith("/")) {
        p.error(fp + "/path", "setup file path '" + f.path() + "' must be absolute",
            "start it with /, e.g. /home/agent/...");
      }
      if (f.path().contains("${")) {
        p.error(fp + "/path", "placeholders are not expanded in a setup file path", null);
      }
      if (f.content() != null) {
        Matcher m = PLACEHOLDER.matcher(f.content());
        while (m.find()) {
          if (!m.group(1).equals("WORKDIR")) {
            p.error(fp + "/content", "unsupported placeholder \"" + m.group()
                + "\" (supported: ${WORKDIR})", "write the value out, or compute it in a startup"
                + " command");
          }
        }
      }
      if (f.mode() != null && !MODE.matcher(f.mode()).matches()) {
        p.error(fp + "/mode", "mode '" + f.mode() + "' is not an octal file mode",
            "quote it, e.g. mode: \"0644\"");
      }
    }
  }

  private static void volumes(List<Volume> volumes, Problems p) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < volumes.size(); i++) {
      Volume v = volumes.get(i);
      String vp = "/volumes/" + i;
      if (!v.path().startsWith("/")) {
        p.error(vp + "/path", "volume path '" + v.path() + "' must be absolute", null);
      }
      if (!seen.add(v.path())) {
        p.error(vp + "/path", "volume path '" + v.path() + "' is declared twice", null);
      }
      if (v.mode() != null && !MODE.matcher(v.mode()).matches()) {
        p.error(vp + "/mode", "mode '" + v.mode() + "' is not an octal file mode",
            "quote it, e.g. mode: \"1777\"");
      }
    }
  }

  private static void locked(List<String> locked, Problems p) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < locked.size(); i++) {
      if (!seen.add(locked.get(i))) {
        p.error("/locked/" + i, "locked path '" + locked.get(i) + "' is listed twice", null);
      }
    }
  }

  private static int pos(Problems p, String pointer) {
    return p.positions().nearest(pointer).line();
  }
}

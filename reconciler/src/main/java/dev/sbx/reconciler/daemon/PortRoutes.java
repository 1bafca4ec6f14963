package dev.sbx.reconciler.daemon;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.ports.PortSpec;
import dev.sbx.vm.ports.PublishedPort;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sbx ports} against the daemon:
 *
 * <pre>
 * GET    /v1/ports                      [{sandbox, hostIp, hostPort, guestPort, listening}…] every sandbox
 * GET    /v1/sandboxes/NAME/ports       the same for one sandbox
 * POST   /v1/sandboxes/NAME/ports {"publish":["8080","127.0.0.1:9000:80"]}  the ports as bound
 * DELETE /v1/sandboxes/NAME/ports {"unpublish":["8080"]}                    the ports removed
 * </pre>
 *
 * Specs are {@link PortSpec} spellings ({@code [[IP:]HOST:]GUEST}); a bad one is a 400 naming it.
 */
final class PortRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PublishedPorts ports;

  PortRoutes(PublishedPorts ports) {
    this.ports = ports;
  }

  static boolean matches(String path) {
    return path.equals("/v1/ports") || path.matches("/v1/sandboxes/[^/?]+/ports");
  }

  ApiServer.Response handle(String method, String path, String body) {
    if (ports == null) {
      return error(409, "ENVIRONMENT", "this daemon has no VM runtime (memory actuators)");
    }
    String name = path.equals("/v1/ports") ? null : path.split("/")[3];
    try {
      return switch (method) {
        case "GET" -> ok(ports.list(name));
        case "POST" -> name == null ? notAllowed(method, path) : ok(ports.publish(name, specs(body, "publish")));
        case "DELETE" -> name == null ? notAllowed(method, path) : ok(ports.unpublish(name, specs(body, "unpublish")));
        default -> notAllowed(method, path);
      };
    } catch (SandboxException e) {
      return error(e.kind() == SandboxException.Kind.NOT_FOUND ? 404 : 409, e.kind().name(), e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(400, "INVALID", e.getMessage());
    }
  }

  private static List<PortSpec> specs(String body, String field) {
    JsonNode n = JSON.readTree(body.isBlank() ? "{}" : body);
    if (!n.has(field) || !n.get(field).isArray() || n.get(field).isEmpty()) {
      throw new IllegalArgumentException("the body needs \"" + field + "\": [\"[[IP:]HOST:]GUEST\", …]");
    }
    var out = new ArrayList<PortSpec>();
    n.get(field).forEach(s -> out.add(PortSpec.parse(s.asString())));
    return out;
  }

  private ApiServer.Response ok(List<PublishedPort> list) {
    return new ApiServer.Response(200, PublishedPorts.toJson(list, ports::listening).toString());
  }

  private static ApiServer.Response notAllowed(String method, String path) {
    return error(405, null, "no such endpoint: " + method + " " + path);
  }

  private static ApiServer.Response error(int status, String kind, String message) {
    ObjectNode body = JSON.createObjectNode().put("error", message);
    if (kind != null) {
      body.put("kind", kind);
    }
    return new ApiServer.Response(status, body.toString());
  }
}

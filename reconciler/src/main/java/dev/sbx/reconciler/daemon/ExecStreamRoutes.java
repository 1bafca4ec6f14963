package dev.sbx.reconciler.daemon;

import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.GuestUser;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/sandboxes/NAME/exec/stream} with {@code Upgrade: sbx-exec/1}: the interactive exec.
 * The JSON body says what to run ({@code argv, env, cwd, user, tty:{cols,rows}}); a bad request,
 * an unknown sandbox or a runtime refusal gets an ordinary JSON error answer (as the buffered
 * exec); once the command started the daemon answers {@code 101 Switching Protocols} and the
 * connection carries {@link ExecStreamProtocol} frames until the command's EXIT frame.
 * Installed around the daemon's plain handler by {@link #around}, so both the unix socket and the
 * remote TLS listener (after its bearer check) serve it.
 */
final class ExecStreamRoutes {
  private static final Pattern PATH = Pattern.compile("/v1/sandboxes/([^/?]+)/exec/stream(\\?.*)?");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExecStreamRoutes() {}

  /** {@code plain} for every request, plus the exec stream upgrade on {@code vm} (null: none). */
  static ApiServer.Handler around(ApiServer.Handler plain, SandboxRuntime vm) {
    return new ApiServer.Handler() {
      @Override
      public ApiServer.Response handle(String method, String path, String body) {
        return plain.handle(method, path, body);
      }

      @Override
      public ApiServer.Response handle(ApiServer.Request request) {
        return plain.handle(request);
      }

      @Override
      public Optional<ApiServer.Upgrade> upgrade(ApiServer.Request request) {
        Matcher m = PATH.matcher(request.path());
        if (!m.matches()) {
          return Optional.empty();
        }
        return Optional.of((in, out) -> serve(vm, m.group(1), request, in, out));
      }
    };
  }

  private static void serve(SandboxRuntime vm, String name, ApiServer.Request request, InputStream in,
      OutputStream out) throws IOException {
    if (!request.method().equals("POST")) {
      ApiServer.write(out, error(405, null, "use POST for " + request.path()), Map.of());
      return;
    }
    String upgrade = request.header("upgrade");
    if (upgrade == null || !upgrade.equalsIgnoreCase(ExecStreamProtocol.UPGRADE)) {
      ApiServer.write(out, error(426, null, "this endpoint needs 'Upgrade: " + ExecStreamProtocol.UPGRADE
          + "' (the buffered exec is POST /v1/sandboxes/NAME/exec)"), Map.of("Upgrade", ExecStreamProtocol.UPGRADE));
      return;
    }
    if (vm == null) {
      ApiServer.write(out, error(409, "ENVIRONMENT", "this daemon has no VM runtime (memory actuators)"), Map.of());
      return;
    }
    ExecRequest exec;
    try {
      exec = request(JSON.readTree(request.body()));
    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
      ApiServer.write(out, error(400, null, "bad exec request: " + e.getMessage()), Map.of());
      return;
    }
    try {
      var info = vm.inspect(name).orElseThrow(() -> SandboxException.notFound(name));
      if (exec.cwd() == null && info.workspace() != null) {
        exec = exec.withCwd(info.workspace().toString()); // as sbx exec without a daemon: the workspace
      }
      new ExecStreamSession(in, out).run(vm, name, exec);
    } catch (SandboxException e) {
      // Only thrown before the 101 went out (the session turns later failures into an EXIT frame).
      ApiServer.write(out, error(e.kind() == SandboxException.Kind.NOT_FOUND ? 404 : 409, e.kind().name(),
          e.getMessage()), Map.of());
    }
  }

  /** The body: {@code argv} (non-empty), {@code env}, {@code cwd}, {@code user} agent|root, {@code tty:{cols,rows}}, {@code stdin}. */
  static ExecRequest request(JsonNode n) {
    if (n == null || !n.isObject() || !n.has("argv") || !n.get("argv").isArray() || n.get("argv").isEmpty()) {
      throw new IllegalArgumentException("'argv' must be a non-empty array of strings");
    }
    List<String> argv = new ArrayList<>();
    n.get("argv").forEach(a -> argv.add(a.asString()));
    Map<String, String> env = new LinkedHashMap<>();
    if (n.has("env") && n.get("env").isObject()) {
      n.get("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
    }
    String user = n.has("user") ? n.get("user").asString() : "agent";
    if (!user.equals("agent") && !user.equals("root")) {
      throw new IllegalArgumentException("'user' is agent or root, not '" + user + "'");
    }
    boolean root = user.equals("root");
    String cwd = n.has("cwd") && !n.get("cwd").isNull() ? n.get("cwd").asString() : null;
    boolean stdin = !n.has("stdin") || n.get("stdin").asBoolean();
    ExecRequest r = new ExecRequest(argv, env, cwd, root ? 0 : GuestUser.AGENT.uid(), root ? 0 : GuestUser.AGENT.gid(),
        stdin);
    JsonNode tty = n.get("tty");
    if (tty != null && tty.isObject()) {
      r = r.withTerminal(tty.get("rows").asInt(), tty.get("cols").asInt());
    }
    return r;
  }

  private static ApiServer.Response error(int status, String kind, String message) {
    ObjectNode body = JSON.createObjectNode().put("error", message);
    if (kind != null) {
      body.put("kind", kind);
    }
    return new ApiServer.Response(status, body.toString());
  }
}

package dev.sbx.reconciler.daemon;

import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecProcess;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.GuestUser;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The imperative verbs ({@code sbx ls}, {@code sbx exec}, {@code sbx logs}, {@code sbx stop},
 * {@code sbx rm}) against the VM runtime
 * the daemon holds: the guest agent has one channel per VM, so while a daemon runs, the CLI must
 * go through it. Exec is buffered (non-interactive): output is collected up to {@link #MAX_OUTPUT}
 * per stream and sent base64-encoded, so binary output survives. Runtime errors answer with
 * {@code {"error", "kind"}} (the {@link SandboxException.Kind}); an unknown sandbox is a 404.
 */
final class SandboxRoutes {
  static final int MAX_OUTPUT = 16 * 1024 * 1024;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SandboxRuntime vm;

  SandboxRoutes(SandboxRuntime vm) {
    this.vm = vm;
  }

  static boolean matches(String path) {
    return path.equals("/v1/sandboxes") || path.startsWith("/v1/sandboxes/");
  }

  ApiServer.Response handle(String method, String path, String body) {
    if (vm == null) {
      return error(409, "ENVIRONMENT", "this daemon has no VM runtime (memory actuators)");
    }
    String query = "";
    int q = path.indexOf('?');
    if (q >= 0) {
      query = path.substring(q + 1);
      path = path.substring(0, q);
    }
    String[] parts = path.split("/"); // "", "v1", "sandboxes", name, verb
    try {
      if (parts.length == 3 && method.equals("GET")) {
        ArrayNode out = JSON.createArrayNode();
        vm.list().forEach(s -> out.add(SandboxJson.of(s)));
        return new ApiServer.Response(200, out.toString());
      }
      if (parts.length == 5 && method.equals("POST") && parts[4].equals("exec")) {
        return exec(parts[3], JSON.readTree(body));
      }
      if (parts.length == 5 && method.equals("POST") && parts[4].equals("stop")) {
        vm.stop(parts[3]);
        return new ApiServer.Response(200, JSON.createObjectNode().put("stopped", parts[3]).toString());
      }
      if (parts.length == 5 && method.equals("POST") && parts[4].equals("start")) {
        vm.start(parts[3]); // the dashboard's restart (stop, then start): boots a stopped VM again
        return new ApiServer.Response(200, JSON.createObjectNode().put("started", parts[3]).toString());
      }
      if (parts.length == 4 && method.equals("DELETE")) {
        // Removing a sandbox a source manages is drift: the next apply (or the controller) puts
        // it back unless its manifest is gone too.
        if (vm.inspect(parts[3]).isEmpty()) {
          throw SandboxException.notFound(parts[3]);
        }
        vm.destroy(parts[3]);
        return new ApiServer.Response(200, JSON.createObjectNode().put("removed", parts[3]).toString());
      }
      if (parts.length == 5 && method.equals("GET") && parts[4].equals("logs")) {
        String name = parts[3];
        String text = query.contains("startup=true") ? vm.startupLog(name) : vm.consoleLog(name);
        return new ApiServer.Response(200, JSON.createObjectNode().put("log", text).toString());
      }
    } catch (SandboxException e) {
      return error(e.kind() == SandboxException.Kind.NOT_FOUND ? 404 : 409, e.kind().name(), e.getMessage());
    }
    return error(404, null, "no such endpoint: " + method + " " + path);
  }

  private ApiServer.Response exec(String name, JsonNode n) {
    if (vm.inspect(name).isEmpty()) {
      throw SandboxException.notFound(name);
    }
    List<String> argv = new ArrayList<>();
    n.get("argv").forEach(a -> argv.add(a.asString()));
    Map<String, String> env = new LinkedHashMap<>();
    if (n.has("env")) {
      n.get("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
    }
    boolean root = n.has("user") && n.get("user").asString().equals("root");
    String cwd = n.has("cwd") && !n.get("cwd").isNull() ? n.get("cwd").asString() : null;
    byte[] stdin = n.has("stdin") && !n.get("stdin").isNull() ? Base64.getDecoder().decode(n.get("stdin").asString())
        : null;
    Duration timeout = n.has("timeoutSeconds") ? Duration.ofSeconds(n.get("timeoutSeconds").asLong())
        : DEFAULT_TIMEOUT;
    var request = new ExecRequest(argv, env, cwd, root ? 0 : GuestUser.AGENT.uid(), root ? 0 : GuestUser.AGENT.gid(),
        stdin != null);
    Capped out = new Capped();
    Capped err = new Capped();
    ExecProcess process = vm.exec(name, request, new ExecOutput() {
      @Override
      public void stdout(byte[] bytes) {
        out.add(bytes);
      }

      @Override
      public void stderr(byte[] bytes) {
        err.add(bytes);
      }
    });
    try {
      if (stdin != null) {
        process.writeStdin(stdin);
        process.closeStdin();
      }
      ExitStatus status = process.waitFor(timeout).orElse(null);
      if (status == null) {
        process.signal(9);
        throw new SandboxException(SandboxException.Kind.GUEST_FAILED, name,
            "command " + argv + " still running after " + timeout + "; killed");
      }
      ObjectNode reply = JSON.createObjectNode().put("exitCode", status.code()).put("stdout", out.base64())
          .put("stderr", err.base64()).put("truncated", out.truncated || err.truncated);
      if (status.signal() != 0) {
        reply.put("signal", status.signal());
      }
      status.startError().ifPresent(e -> reply.put("startError", e));
      return new ApiServer.Response(200, reply.toString());
    } catch (IOException e) {
      throw new SandboxException(SandboxException.Kind.IO, name, "exec: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException(SandboxException.Kind.IO, name, "interrupted while waiting for " + argv, e);
    }
  }

  private static ApiServer.Response error(int status, String kind, String message) {
    ObjectNode body = JSON.createObjectNode().put("error", message);
    if (kind != null) {
      body.put("kind", kind);
    }
    return new ApiServer.Response(status, body.toString());
  }

  /** Output collected up to {@link #MAX_OUTPUT}; the rest is dropped and flagged. */
  private static final class Capped {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean truncated;

    synchronized void add(byte[] chunk) {
      int room = MAX_OUTPUT - bytes.size();
      bytes.write(chunk, 0, Math.min(room, chunk.length));
      truncated |= chunk.length > room;
    }

    synchronized String base64() {
      return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
  }
}

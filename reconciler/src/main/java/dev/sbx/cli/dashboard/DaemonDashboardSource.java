package dev.sbx.cli.dashboard;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.Daemon;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard's data from the daemon's local API on {@code STATE/daemon.sock}: {@code GET
 * /v1/sandboxes} (left pane) and {@code GET /v1/egress/decisions} (right pane); actions are {@code
 * POST /v1/sandboxes/NAME/stop} and {@code .../start}. Never starts a daemon or a VM: without one it
 * says so and how to start one, and keeps asking, so the dashboard fills in when one comes up.
 */
final class DaemonDashboardSource implements DashboardSource {
  static final int DECISIONS = 200;
  private final Path stateDir;
  private final ApiClient client;
  private final Clock clock;
  private final LongFunction<Optional<Instant>> processStart;

  DaemonDashboardSource(Path stateDir, Clock clock, LongFunction<Optional<Instant>> processStart) {
    this.stateDir = stateDir;
    this.client = new ApiClient(Daemon.socket(stateDir));
    this.clock = clock;
    this.processStart = processStart;
  }

  /**
   * Uptime is the age of the VM's QEMU process: the API reports its pid, and the daemon runs on this
   * host (the dashboard reaches it over a local socket), so the pid is ours to look up. A pid that
   * is not a QEMU process (a runtime that reports no real process) shows no uptime rather than the
   * age of whatever process has that number.
   */
  static DaemonDashboardSource of(Path stateDir) {
    return new DaemonDashboardSource(stateDir, Clock.systemUTC(), pid -> ProcessHandle.of(pid)
        .filter(p -> p.info().command().map(c -> c.contains("qemu")).orElse(false))
        .flatMap(p -> p.info().startInstant()));
  }

  @Override
  public String describe() {
    return stateDir.toString();
  }

  @Override
  public Snapshot fetch() {
    Instant now = clock.instant();
    ApiClient.Reply sandboxes;
    try {
      sandboxes = client.call("GET", "/v1/sandboxes", "");
    } catch (IOException e) {
      return Snapshot.unavailable("No sbx daemon is running for " + stateDir + ".", now);
    }
    if (sandboxes.status() != 200) {
      return Snapshot.unavailable("The daemon answered " + sandboxes.status() + ": " + error(sandboxes.body()), now);
    }
    List<Snapshot.SandboxRow> rows = new ArrayList<>();
    for (JsonNode s : sandboxes.body()) {
      String state = text(s, "status");
      Optional<Duration> uptime = Optional.empty();
      if ("running".equals(state) && s.has("pid")) {
        uptime = processStart.apply(s.get("pid").asLong()).map(start -> Duration.between(start, now))
            .filter(d -> !d.isNegative());
      }
      rows.add(new Snapshot.SandboxRow(text(s, "name"), state, s.path("cpus").asInt(0), s.path("memoryMib").asLong(0),
          uptime, text(s, "owner"), text(s, "agent")));
    }
    rows.sort(Comparator.comparing(Snapshot.SandboxRow::name));
    List<Snapshot.DecisionRow> decisions = new ArrayList<>();
    boolean available = false;
    try {
      ApiClient.Reply reply = client.call("GET", "/v1/egress/decisions?limit=" + DECISIONS, "");
      if (reply.status() == 200 && reply.body().path("available").asBoolean(false)) {
        available = true;
        for (JsonNode d : reply.body().path("decisions")) {
          decisions.add(new Snapshot.DecisionRow(Instant.parse(text(d, "time")), text(d, "sandbox"), text(d, "host"),
              d.path("port").asInt(0), text(d, "rule"), text(d, "decision")));
        }
      }
    } catch (IOException | RuntimeException e) {
      available = false; // an older daemon without the route, or it went away between the two calls
    }
    return new Snapshot(Optional.empty(), rows, decisions, available, now);
  }

  @Override
  public void stop(String sandbox) {
    post("/v1/sandboxes/" + sandbox + "/stop");
  }

  @Override
  public void restart(String sandbox) {
    post("/v1/sandboxes/" + sandbox + "/stop");
    post("/v1/sandboxes/" + sandbox + "/start");
  }

  private void post(String path) {
    ApiClient.Reply reply;
    try {
      reply = client.call("POST", path, "{}");
    } catch (IOException e) {
      throw new ActionFailed("the daemon did not answer: " + e.getMessage());
    }
    if (reply.status() != 200) {
      throw new ActionFailed(error(reply.body()));
    }
  }

  private static String error(JsonNode body) {
    return body != null && body.has("error") ? body.get("error").asString() : String.valueOf(body);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asString();
  }
}

package dev.sbx.vm.microvm;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the runtime last did with a sandbox's VM ({@code vm.json}): the QEMU pid and its
 * virtiofsd pids while it runs, whether the agent answered, whether a stop was asked for (so a
 * vanished process is "stopped", not "exited"), and failures of the last start.
 */
record VmRecord(long pid, List<Long> helperPids, String accel, String bootId, boolean ready, boolean stopRequested,
    String startedAt, List<String> failures) {

  static final VmRecord STOPPED = new VmRecord(0, List.of(), "", "", false, true, "", List.of());

  VmRecord {
    helperPids = List.copyOf(helperPids);
    failures = List.copyOf(failures);
  }

  VmRecord withReady(String newBootId, List<String> newFailures) {
    return new VmRecord(pid, helperPids, accel, newBootId, true, false, startedAt, newFailures);
  }

  VmRecord stopping() {
    return new VmRecord(pid, helperPids, accel, bootId, ready, true, startedAt, failures);
  }

  ObjectNode toJson() {
    ObjectNode n = SpecJson.JSON.createObjectNode();
    n.put("pid", pid).put("accel", accel).put("bootId", bootId).put("ready", ready)
        .put("stopRequested", stopRequested).put("startedAt", startedAt);
    helperPids.forEach(n.putArray("helperPids")::add);
    failures.forEach(n.putArray("failures")::add);
    return n;
  }

  static VmRecord fromJson(JsonNode n) {
    var helpers = new ArrayList<Long>();
    n.path("helperPids").forEach(p -> helpers.add(p.asLong()));
    var failures = new ArrayList<String>();
    n.path("failures").forEach(f -> failures.add(f.asString()));
    return new VmRecord(n.path("pid").asLong(), helpers, n.path("accel").asString(), n.path("bootId").asString(),
        n.path("ready").asBoolean(), n.path("stopRequested").asBoolean(), n.path("startedAt").asString(), failures);
  }
}

package dev.sbx.vm.microvm;

import dev.sbx.vm.api.EgressEndpoint;
import dev.sbx.vm.api.GuestCommand;
import dev.sbx.vm.api.GuestFile;
import dev.sbx.vm.api.KitApplication;
import dev.sbx.vm.api.Mount;
import dev.sbx.vm.api.SandboxSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The sandbox's spec as stored in {@code sandbox.json}, so a later process can start it again. */
final class SpecJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private SpecJson() {}

  static ObjectNode write(SandboxSpec spec) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", spec.name()).put("owner", spec.owner()).put("specHash", spec.specHash())
        .put("cpus", spec.cpus()).put("memoryMib", spec.memoryMib());
    if (spec.workspace() != null) {
      n.put("workspace", spec.workspace().toString());
    }
    ArrayNode mounts = n.putArray("mounts");
    for (Mount m : spec.mounts()) {
      mounts.addObject().put("host", m.hostPath().toString()).put("guest", m.guestPath().toString())
          .put("readOnly", m.readOnly());
    }
    ObjectNode env = n.putObject("env");
    spec.env().forEach(env::put);
    if (spec.egress() instanceof EgressEndpoint.UnixSocket u) {
      n.putObject("egress").put("unix", u.path().toString());
    } else if (spec.egress() instanceof EgressEndpoint.Tcp t) {
      n.putObject("egress").put("host", t.host()).put("port", t.port());
    }
    if (spec.caPem() != null) {
      n.put("caPem", spec.caPem());
    }
    if (spec.image() != null) {
      n.put("image", spec.image());
    }
    ObjectNode labels = n.putObject("labels");
    spec.labels().forEach(labels::put);
    ObjectNode kit = n.putObject("kit");
    ArrayNode files = kit.putArray("files");
    for (GuestFile f : spec.kit().files()) {
      files.addObject().put("path", f.path()).put("content", Base64.getEncoder().encodeToString(f.content()))
          .put("mode", f.mode()).put("uid", f.uid()).put("gid", f.gid());
    }
    writeCommands(kit.putArray("install"), spec.kit().install());
    writeCommands(kit.putArray("startup"), spec.kit().startup());
    return n;
  }

  private static void writeCommands(ArrayNode array, List<GuestCommand> commands) {
    for (GuestCommand c : commands) {
      array.addObject().put("description", c.description()).put("shell", c.shell()).put("uid", c.uid())
          .put("gid", c.gid()).put("cwd", c.cwd());
    }
  }

  static SandboxSpec read(JsonNode n) {
    var mounts = new ArrayList<Mount>();
    for (JsonNode m : n.path("mounts")) {
      mounts.add(new Mount(Path.of(m.path("host").asString()), Path.of(m.path("guest").asString()),
          m.path("readOnly").asBoolean()));
    }
    var env = new LinkedHashMap<String, String>();
    n.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
    EgressEndpoint egress = null;
    JsonNode e = n.path("egress");
    if (e.has("unix")) {
      egress = new EgressEndpoint.UnixSocket(Path.of(e.path("unix").asString()));
    } else if (e.has("host")) {
      egress = new EgressEndpoint.Tcp(e.path("host").asString(), e.path("port").asInt());
    }
    var labels = new LinkedHashMap<String, String>();
    n.path("labels").properties().forEach(l -> labels.put(l.getKey(), l.getValue().asString()));
    var files = new ArrayList<GuestFile>();
    for (JsonNode f : n.path("kit").path("files")) {
      files.add(new GuestFile(f.path("path").asString(), Base64.getDecoder().decode(f.path("content").asString()),
          f.path("mode").asInt(), f.path("uid").asInt(), f.path("gid").asInt()));
    }
    var kit = new KitApplication(files, readCommands(n.path("kit").path("install")),
        readCommands(n.path("kit").path("startup")));
    return new SandboxSpec(n.path("name").asString(), n.path("owner").asString(), n.path("specHash").asString(),
        n.path("cpus").asInt(), n.path("memoryMib").asLong(),
        n.hasNonNull("workspace") ? Path.of(n.path("workspace").asString()) : null, mounts, env, egress,
        n.hasNonNull("caPem") ? n.path("caPem").asString() : null, kit, labels,
        n.hasNonNull("image") ? n.path("image").asString() : null);
  }

  private static List<GuestCommand> readCommands(JsonNode array) {
    var commands = new ArrayList<GuestCommand>();
    for (JsonNode c : array) {
      commands.add(new GuestCommand(c.path("description").asString(), c.path("shell").asString(),
          c.path("uid").asInt(), c.path("gid").asInt(), c.path("cwd").asString()));
    }
    return commands;
  }
}

package dev.sbx.reconciler.desired;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of a {@link DesiredSandbox}, shared by saved plans and state records. Field order is
 * fixed here (not by reflection) so the form is stable. Reading throws {@link
 * IllegalArgumentException} naming the missing or bad field.
 */
public final class DesiredJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private DesiredJson() {}

  public static ObjectNode write(DesiredSandbox s) {
    ObjectNode o = NODES.objectNode();
    o.put("name", s.name());
    o.put("agent", s.agent());
    o.put("drift", s.drift().wireName());
    ObjectNode prov = o.putObject("provenance");
    prov.put("source", s.provenance().source());
    prov.put("location", s.provenance().location());
    o.set("immutable", writeImmutable(s.immutable()));
    o.set("live", writeLive(s.live()));
    o.put("immutableHash", s.immutableHash());
    o.put("liveHash", s.liveHash());
    return o;
  }

  public static ObjectNode writeImmutable(ImmutableSpec spec) {
    ObjectNode o = NODES.objectNode();
    o.put("image", spec.imageRef());
    o.put("kernel", spec.kernel());
    strings(o.putArray("install"), spec.installCommands());
    ObjectNode res = o.putObject("resources");
    res.put("cpus", spec.resources().cpus());
    res.put("memoryMib", spec.resources().memoryMib());
    o.put("workspace", spec.workspace());
    ArrayNode mounts = o.putArray("mounts");
    for (Mount m : spec.mounts()) {
      ObjectNode mo = mounts.addObject();
      mo.put("path", m.path());
      mo.put("readOnly", m.readOnly());
    }
    return o;
  }

  public static ObjectNode writeLive(LiveSpec live) {
    ObjectNode o = NODES.objectNode();
    o.set("egress", writeEgress(live.egress()));
    ArrayNode secrets = o.putArray("secrets");
    for (SecretBinding b : live.secrets()) {
      secrets.add(writeBinding(b));
    }
    ObjectNode env = o.putObject("env");
    live.env().forEach(env::put);
    strings(o.putArray("startup"), live.startup());
    return o;
  }

  public static ObjectNode writeEgress(EgressSpec e) {
    ObjectNode o = NODES.objectNode();
    o.put("default", e.defaultMode());
    strings(o.putArray("allow"), e.allow());
    strings(o.putArray("deny"), e.deny());
    return o;
  }

  public static ObjectNode writeBinding(SecretBinding b) {
    ObjectNode o = NODES.objectNode();
    o.put("service", b.service());
    o.put("credential", b.credential());
    strings(o.putArray("domains"), b.domains());
    return o;
  }

  public static DesiredSandbox read(JsonNode o) {
    JsonNode prov = field(o, "provenance");
    DesiredSandbox s =
        new DesiredSandbox(
            text(o, "name"),
            text(o, "agent"),
            readImmutable(field(o, "immutable")),
            readLive(field(o, "live")),
            DriftMode.parse(text(o, "drift")),
            new Provenance(text(prov, "source"), text(prov, "location")));
    // The hashes are written for readers; a mismatch means the file was edited by hand.
    if (o.has("immutableHash") && !text(o, "immutableHash").equals(s.immutableHash())) {
      throw new IllegalArgumentException("immutableHash of " + s.name() + " does not match its spec");
    }
    if (o.has("liveHash") && !text(o, "liveHash").equals(s.liveHash())) {
      throw new IllegalArgumentException("liveHash of " + s.name() + " does not match its spec");
    }
    return s;
  }

  public static ImmutableSpec readImmutable(JsonNode o) {
    JsonNode res = field(o, "resources");
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode m : field(o, "mounts").values()) {
      mounts.add(new Mount(text(m, "path"), field(m, "readOnly").asBoolean()));
    }
    return new ImmutableSpec(
        text(o, "image"),
        text(o, "kernel"),
        strings(field(o, "install")),
        new Resources(field(res, "cpus").asInt(), field(res, "memoryMib").asLong()),
        text(o, "workspace"),
        mounts);
  }

  public static LiveSpec readLive(JsonNode o) {
    List<SecretBinding> secrets = new ArrayList<>();
    for (JsonNode b : field(o, "secrets").values()) {
      secrets.add(readBinding(b));
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : field(o, "env").properties()) {
      env.put(e.getKey(), e.getValue().asString());
    }
    return new LiveSpec(readEgress(field(o, "egress")), secrets, env, strings(field(o, "startup")));
  }

  public static EgressSpec readEgress(JsonNode o) {
    return new EgressSpec(text(o, "default"), strings(field(o, "allow")), strings(field(o, "deny")));
  }

  public static SecretBinding readBinding(JsonNode o) {
    return new SecretBinding(text(o, "service"), text(o, "credential"), strings(field(o, "domains")));
  }

  /** Adds each string to {@code array}. */
  public static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  /** The strings of a JSON array. */
  public static List<String> strings(JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("expected an array, got " + array.getNodeType());
    }
    List<String> out = new ArrayList<>();
    array.values().forEach(v -> out.add(v.asString()));
    return out;
  }

  /** A required field; throws naming it when missing. */
  public static JsonNode field(JsonNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field '" + name + "'");
    }
    return v;
  }

  /** A required string field. */
  public static String text(JsonNode o, String name) {
    JsonNode v = field(o, name);
    if (!v.isString()) {
      throw new IllegalArgumentException("field '" + name + "' must be a string");
    }
    return v.stringValue();
  }
}

package dev.sbx.reconciler.plan;

import dev.sbx.reconciler.desired.DesiredJson;
import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.SourceRef;
import java.util.ArrayList;
import java.util.List;

import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stable {@code -o json} form of a plan, also the saved-plan file. Versioned by {@code
 * formatVersion}: a new optional field keeps version 1; removing or changing the meaning of a field
 * makes version 2. Fields are written in a fixed order. Each change carries its full desired
 * sandbox so {@code sbx apply plan.json} applies exactly what was shown; secret bindings appear by
 * service and credential name only.
 */
public final class PlanJson {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private PlanJson() {}

  public static String write(Plan plan) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(plan)) + "\n";
  }

  public static ObjectNode toJson(Plan plan) {
    ObjectNode o = JSON.createObjectNode();
    o.put("formatVersion", plan.formatVersion());
    ObjectNode src = o.putObject("source");
    src.put("id", plan.source().id());
    src.put("revision", plan.source().revision());
    ObjectNode fp = o.putObject("fingerprints");
    fp.put("desired", plan.desiredFingerprint());
    fp.put("observed", plan.observedFingerprint());
    ObjectNode opts = o.putObject("options");
    opts.put("prune", plan.options().prune());
    opts.put("allowEmptySource", plan.options().allowEmptySource());
    ObjectNode summary = o.putObject("summary");
    plan.counts().forEach((k, v) -> summary.put(k.jsonName(), v));
    summary.put("inSync", plan.inSync());
    summary.put("drift", plan.hasDrift());
    ArrayNode changes = o.putArray("changes");
    for (Change c : plan.changes()) {
      ObjectNode co = changes.addObject();
      co.put("sandbox", c.sandbox());
      co.put("action", c.kind().jsonName());
      co.put("reason", c.reason());
      co.put("drift", c.drift());
      if (c instanceof Change.NoOp noOp) {
        co.put("refreshRecord", noOp.refreshRecord());
      }
      ArrayNode fields = co.putArray("fields");
      for (FieldChange f : c.fields()) {
        ObjectNode fo = fields.addObject();
        fo.put("field", f.field());
        fo.put("op", f.op().jsonName());
        fo.put("before", f.before());
        fo.put("after", f.after());
        fo.put("forcesReplacement", f.forcesReplacement());
      }
      c.desired().ifPresent(d -> co.set("desired", DesiredJson.write(d)));
    }
    ArrayNode warnings = o.putArray("warnings");
    for (PlanWarning w : plan.warnings()) {
      ObjectNode wo = warnings.addObject();
      wo.put("sandbox", w.sandbox());
      wo.put("message", w.message());
    }
    return o;
  }

  /**
   * Reads a saved plan and checks it: the format version, and that the desired sandboxes it carries
   * still hash to its desired fingerprint (an edited plan is refused).
   */
  public static Plan read(String text) {
    try {
      JsonNode o = JSON.readTree(text);
      if (o == null || !o.isObject()) {
        throw new PlanFormatException("not a plan: expected a JSON object");
      }
      int version = DesiredJson.field(o, "formatVersion").asInt();
      if (version != Plan.FORMAT_VERSION) {
        throw new PlanFormatException("plan formatVersion " + version + " is not supported by this sbx (expected "
            + Plan.FORMAT_VERSION + ")");
      }
      JsonNode src = DesiredJson.field(o, "source");
      SourceRef source = new SourceRef(DesiredJson.text(src, "id"), DesiredJson.text(src, "revision"));
      JsonNode fp = DesiredJson.field(o, "fingerprints");
      JsonNode opts = DesiredJson.field(o, "options");
      PlanOptions options = new PlanOptions(
          DesiredJson.field(opts, "prune").asBoolean(), DesiredJson.field(opts, "allowEmptySource").asBoolean());
      List<Change> changes = new ArrayList<>();
      List<DesiredSandbox> desired = new ArrayList<>();
      for (JsonNode co : DesiredJson.field(o, "changes").values()) {
        Change c = readChange(co);
        c.desired().ifPresent(desired::add);
        changes.add(c);
      }
      List<PlanWarning> warnings = new ArrayList<>();
      for (JsonNode w : DesiredJson.field(o, "warnings").values()) {
        warnings.add(new PlanWarning(DesiredJson.text(w, "sandbox"), DesiredJson.text(w, "message")));
      }
      String desiredFp = DesiredJson.text(fp, "desired");
      if (!DesiredState.fingerprint(source.id(), desired).equals(desiredFp)) {
        throw new PlanFormatException("the plan's sandboxes do not match its desired fingerprint (was it edited?)");
      }
      return new Plan(version, source, desiredFp, DesiredJson.text(fp, "observed"), options, changes, warnings);
    } catch (JacksonException e) {
      throw new PlanFormatException("not a plan: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw new PlanFormatException("not a valid plan: " + e.getMessage());
    }
  }

  private static Change readChange(JsonNode co) {
    String sandbox = DesiredJson.text(co, "sandbox");
    ChangeKind kind = ChangeKind.ofJsonName(DesiredJson.text(co, "action"));
    String reason = DesiredJson.text(co, "reason");
    boolean drift = DesiredJson.field(co, "drift").asBoolean();
    List<FieldChange> fields = new ArrayList<>();
    for (JsonNode f : DesiredJson.field(co, "fields").values()) {
      fields.add(new FieldChange(
          DesiredJson.text(f, "field"),
          FieldChange.Op.valueOf(DesiredJson.text(f, "op").toUpperCase(java.util.Locale.ROOT)),
          DesiredJson.text(f, "before"),
          DesiredJson.text(f, "after"),
          DesiredJson.field(f, "forcesReplacement").asBoolean()));
    }
    Optional<DesiredSandbox> desired = co.has("desired") ? Optional.of(DesiredJson.read(co.get("desired"))) : Optional.empty();
    if (desired.isPresent() && !desired.get().name().equals(sandbox)) {
      throw new IllegalArgumentException("change for " + sandbox + " carries sandbox " + desired.get().name());
    }
    return switch (kind) {
      case CREATE -> new Change.Create(need(desired, sandbox), reason, drift);
      case UPDATE -> new Change.Update(need(desired, sandbox), fields, drift);
      case REPLACE -> new Change.Replace(need(desired, sandbox), fields, reason, drift);
      case DELETE -> new Change.Delete(sandbox, reason);
      case NO_OP -> new Change.NoOp(sandbox, desired, fields, reason, DesiredJson.field(co, "refreshRecord").asBoolean());
    };
  }

  private static DesiredSandbox need(Optional<DesiredSandbox> d, String sandbox) {
    return d.orElseThrow(() -> new IllegalArgumentException("change for " + sandbox + " has no desired sandbox"));
  }

}

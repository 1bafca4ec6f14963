package dev.sbx.reconciler.daemon;

import dev.sbx.vm.api.SandboxInfo;
import java.util.Locale;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** One sandbox as {@code sbx ls -o json} and {@code GET /v1/sandboxes} show it (same keys both ways). */
public final class SandboxJson {
  private SandboxJson() {}

  public static ObjectNode of(SandboxInfo s) {
    ObjectNode node = JsonNodeFactory.instance.objectNode().put("name", s.name())
        .put("agent", s.labels().getOrDefault("agent", "")).put("status", s.state().name().toLowerCase(Locale.ROOT))
        .put("workspace", s.workspace() == null ? null : s.workspace().toString()).put("owner", s.owner())
        .put("specHash", s.specHash()).put("driver", s.driver()).put("cpus", s.cpus()).put("memoryMib", s.memoryMib());
    node.putArray("ports");
    if (s.pid().isPresent()) {
      node.put("pid", s.pid().getAsLong());
    }
    s.failures().forEach(node.putArray("failures")::add);
    return node;
  }
}

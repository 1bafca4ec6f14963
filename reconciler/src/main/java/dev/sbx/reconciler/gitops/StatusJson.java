package dev.sbx.reconciler.gitops;

import dev.sbx.reconciler.status.Condition;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** JSON spellings shared by {@code /v1/status} and {@code /v1/events}: Kubernetes-style conditions. */
final class StatusJson {
  private StatusJson() {}

  /** {@code {"type","status":"True|False|Unknown","reason","message","lastTransitionTime"}}. */
  static ObjectNode condition(Condition c) {
    return JsonNodeFactory.instance.objectNode().put("type", c.type()).put("status", status(c.status()))
        .put("reason", c.reason()).put("message", c.message())
        .put("lastTransitionTime", c.lastTransitionTime().toString());
  }

  static String status(Condition.Status s) {
    return switch (s) {
      case TRUE -> "True";
      case FALSE -> "False";
      case UNKNOWN -> "Unknown";
    };
  }
}
